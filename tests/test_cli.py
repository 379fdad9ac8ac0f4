"""The CLI end to end on a real SQLite library file: add, list, annotate, remove, errors."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import Cli, every_command
from tests.paths import seed, seed_pages


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


@pytest.fixture
def seeded(cli: Cli) -> Cli:
    res = cli("add", "--no-resolve", *map(str, seed_pages()))
    assert res.exit_code == 0, res.stderr
    return cli


def papers(cli: Cli, *args: str) -> list[dict]:
    res = cli("list", "--json", *args)
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout)


def test_seed_pages_store_each_paper_once_with_every_source(seeded: Cli) -> None:
    listed = papers(seeded)
    assert len(listed) == 487
    assert sum(len(p["sources"]) for p in listed) == 603
    adapt = [p for p in listed if p["title"].startswith("Adapt-infty")]
    assert len(adapt) == 1
    assert sorted((Path(s["file"]).name[:3], s["line"]) for s in adapt[0]["sources"]) == [
        ("000", 35), ("001", 19), ("002", 9),
    ]  # fmt: skip
    # the JSON shape scripts rely on
    for field in ("id", "key", "title", "authors", "year", "arxiv_id", "doi", "state", "status", "tags", "notes"):
        assert field in adapt[0]
    assert adapt[0]["status"] == "pending" and adapt[0]["state"] == "unread"


def test_near_identical_papers_stay_separate(seeded: Cli) -> None:
    titles = {p["title"] for p in papers(seeded)}
    for title in (
        "Unsupervised learning of foreground object detection",
        "Unsupervised learning from video to detect foreground objects in single images",
        "Diffusion Models Beat GANs on Image Classification",
        "Do text-free diffusion models learn discriminative visual representations?",
    ):
        assert title in titles


def test_adding_the_same_pages_again_adds_sources_not_papers(seeded: Cli) -> None:
    res = seeded("add", "--no-resolve", str(seed("000")))
    assert res.exit_code == 0
    assert res.stdout.splitlines()[0] == "added: 0 new, 60 already in the library, 0 repeats in this input"
    assert len(papers(seeded)) == 487
    assert sum(len(p["sources"]) for p in papers(seeded)) == 603


def test_read_states_notes_tags_and_filters(seeded: Cli) -> None:
    key = papers(seeded, "--search", "Hilbert")[0]["key"]
    assert seeded("read", key).exit_code == 0
    assert seeded("note", key, "Compare with METRA.").exit_code == 0
    assert seeded("note", key, "Second thought: 100% worth it {really}.").exit_code == 0
    assert seeded("tag", key, "rl", "offline").exit_code == 0
    assert seeded("untag", key, "offline").exit_code == 0
    (p,) = papers(seeded, "--tag", "rl")
    assert p["key"] == key and p["state"] == "read" and p["tags"] == ["rl"]
    assert p["notes"] == ["Compare with METRA.", "Second thought: 100% worth it {really}."]
    assert papers(seeded, "--state", "read") == [p]
    assert [q["key"] for q in papers(seeded, "--search", "METRA")] == [key] + [
        q["key"] for q in papers(seeded, "--search", "METRA") if q["key"] != key
    ]
    assert key in [q["key"] for q in papers(seeded, "--search", "worth")]  # notes are searched
    assert len(papers(seeded, "--state", "unread")) == 486
    assert seeded("reading", str(p["id"])).exit_code == 0
    assert papers(seeded, "--tag", "rl")[0]["state"] == "reading"
    # every state change is kept with its time
    with sqlite3.connect(seeded.library) as db:
        states = [r[0] for r in db.execute("SELECT state FROM state_changes ORDER BY id")]
    assert states == ["read", "reading"]


def test_papers_are_addressed_by_key_number_or_arxiv_id(cli: Cli) -> None:
    assert cli("add", "--no-resolve", "-", input="arXiv:2402.15567v2\n").exit_code == 0
    (p,) = papers(cli)
    assert p["arxiv_id"] == "2402.15567"
    for ref in (p["key"], str(p["id"]), "2402.15567", "https://arxiv.org/abs/2402.15567"):
        res = cli("show", ref)
        assert res.exit_code == 0 and p["key"] in res.stdout


def test_ids_urls_and_dois_in_any_mix(cli: Cli, tmp_path: Path) -> None:
    page = tmp_path / "ids.txt"
    page.write_text(
        "2402.15567\nhttps://arxiv.org/pdf/2402.15567v1\nhep-th/9901001\nhttps://huggingface.co/papers/2310.06825\n"
        "https://doi.org/10.1038/S42256-024-00832-8\n10.1038/s42256-024-00832-8\n",
        encoding="utf-8",
    )
    assert cli("add", "--no-resolve", str(page), str(seed("003"))).exit_code == 0
    listed = papers(cli)
    assert len(listed) == 42 + 4
    assert {p["arxiv_id"] for p in listed if p["arxiv_id"]} == {"2402.15567", "hep-th/9901001", "2310.06825"}
    assert [p["doi"] for p in listed if p["doi"]] == ["10.1038/s42256-024-00832-8"]


def test_identifiers_given_as_arguments(cli: Cli) -> None:
    res = cli("add", "--no-resolve", "arXiv:2402.15567v2", "https://doi.org/10.1038/S42256-024-00832-8", "nofile.txt")
    assert res.exit_code == 1 and res.stderr.strip() == "error: nofile.txt: no such file"
    listed = papers(cli)
    assert {(p["arxiv_id"], p["doi"]) for p in listed} == {("2402.15567", None), (None, "10.1038/s42256-024-00832-8")}
    assert all(p["status"] == "pending" for p in listed)


def test_rename_key_and_remove(seeded: Cli) -> None:
    p = papers(seeded, "--search", "Hilbert")[0]
    assert seeded("key", p["key"], "park2024hilp").exit_code == 0
    assert seeded("show", "park2024hilp").exit_code == 0
    other = papers(seeded)[0]["key"]
    res = seeded("key", "park2024hilp", other)
    assert res.exit_code == 1 and "already used" in res.stderr
    assert seeded("rm", "--yes", "park2024hilp").exit_code == 0
    assert len(papers(seeded)) == 486
    res = seeded("show", "park2024hilp")
    assert res.exit_code == 1 and "no paper 'park2024hilp'" in res.stderr


def library_dump(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return [
            row
            for table in ("papers", "sources", "notes", "tags", "authors")
            for row in db.execute(f"SELECT * FROM {table} ORDER BY 1")
        ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "no entries found"),
        (b"new\n\nSubscribe\n", "no entries found"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks like a binary file"),
        (b"A title\n\xff\xfe broken \n", "not valid UTF-8"),
    ],
)
def test_bad_input_gives_one_line_error_and_changes_nothing(seeded: Cli, tmp_path: Path, content: bytes, message: str):
    before = library_dump(seeded.library)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    res = seeded.proc("add", "--no-resolve", str(bad))
    assert res.exit_code == 1
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and str(bad) in errors[0] and message in errors[0]
    assert "Traceback" not in res.stderr
    assert library_dump(seeded.library) == before


def test_missing_file_and_directory(seeded: Cli, tmp_path: Path) -> None:
    before = library_dump(seeded.library)
    for arg, message in ((str(tmp_path / "nope.txt"), "no such file"), (str(tmp_path), "is a directory")):
        res = seeded.proc("add", "--no-resolve", arg)
        assert res.exit_code == 1 and f"{arg}: {message}" in res.stderr and "Traceback" not in res.stderr
    assert library_dump(seeded.library) == before


def test_valid_entries_are_still_added_next_to_a_bad_file(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"\x00\x01\x02")
    res = cli("add", "--no-resolve", str(bad), str(seed("003")))
    assert res.exit_code == 1
    assert len(papers(cli)) == 42


def test_every_command_has_help_with_an_example(cli: Cli) -> None:
    commands = every_command()
    assert ["cache", "info"] in commands and ["index", "build"] in commands
    for args in [[], *commands]:
        res = cli(*args, "--help")
        assert res.exit_code == 0 and "Example:" in res.stdout, args


def test_library_option_and_schema(cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere" / "lib.sqlite"
    assert cli("--library", str(other), "add", "--no-resolve", str(seed("003"))).exit_code == 0
    assert not cli.library.exists()
    with sqlite3.connect(other) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] >= 1
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_export_then_import_gives_back_the_same_papers(tmp_path: Path) -> None:
    first = Cli(tmp_path / "a")
    assert first("add", "--no-resolve", str(seed("003")), "-", input="2402.15567\n").exit_code == 0
    key = papers(first)[0]["key"]
    assert first("read", key).exit_code == 0
    assert first("note", key, "A note with 100% {braces} & $math$.").exit_code == 0
    assert first("note", key, "A second note.").exit_code == 0
    assert first("tag", key, "rl", "to-cite").exit_code == 0
    out = tmp_path / "out.bib"
    assert first("export", "--format", "bibtex", "-o", str(out)).exit_code == 0
    second = Cli(tmp_path / "b")
    res = second("import", str(out))
    assert res.exit_code == 0, res.stderr
    fields = ("key", "title", "arxiv_id", "doi", "year", "tags", "notes", "state")
    assert [{f: p[f] for f in fields} for p in papers(second)] == [{f: p[f] for f in fields} for p in papers(first)]
    again = tmp_path / "again.bib"
    assert second("export", "--format", "bibtex", "-o", str(again)).exit_code == 0
    assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")


def test_export_for_a_paper_writes_exactly_the_cited_entries(seeded: Cli, tmp_path: Path) -> None:
    keys = [p["key"] for p in papers(seeded)][:3]
    aux = tmp_path / "paper.aux"
    aux.write_text(
        f"\\relax\n\\citation{{{keys[0]},{keys[1]}}}\n\\abx@aux@cite{{0}}{{{keys[2]}}}\n\\citation{{nosuchkey}}\n",
        encoding="utf-8",
    )
    out = tmp_path / "paper.bib"
    res = seeded("export", "--aux", str(aux), "-o", str(out))
    assert res.exit_code == 0
    assert "cited key 'nosuchkey' is not in the library" in res.stderr
    import bibtexparser

    assert sorted(e.key for e in bibtexparser.parse_file(str(out)).entries) == sorted(keys)


def test_plain_list_prints_one_line_per_paper_in_key_order(cli: Cli, tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{zeta2021, title = {Last by Key}, year = 2021, readlist-state = {read}}\n"
        "@misc{alpha, title = {First by Key}}\n"
        "@article{mid2019, title = {Middle {BERT} Paper}, year = 2019, readlist-state = {reading}}\n",
        encoding="utf-8",
    )
    assert cli("import", str(bib)).exit_code == 0
    ids = {p["key"]: p["id"] for p in papers(cli)}
    assert cli("list").stdout.splitlines() == [
        f"{ids['alpha']:>5} [ ] alpha                        pending            First by Key",
        f"{ids['mid2019']:>5} [~] mid2019                      pending      2019  Middle BERT Paper",
        f"{ids['zeta2021']:>5} [x] zeta2021                     pending      2021  Last by Key",
    ]
    assert [line.split()[2] for line in cli("list", "--state", "read").stdout.splitlines()] == ["zeta2021"]
    assert [line.split()[2] for line in cli("list", "--search", "bert").stdout.splitlines()] == ["mid2019"]
    assert cli("list", "--tag", "nothing-has-it").stdout == ""


def test_the_program_writes_all_its_output_and_exit_status_before_its_quick_exit(seeded: Cli) -> None:
    """`readlist` ends with os._exit after flushing (readlist.program.run): nothing may be cut off or lost."""
    listed = seeded.proc("list")
    assert listed.exit_code == 0 and len(listed.stdout.splitlines()) == 487 and listed.stdout.endswith("\n")
    assert seeded.proc("show", "nosuchpaper").exit_code == 1
    assert seeded.proc("frobnicate").exit_code == 2  # a usage error, as click reports it
    with seeded.spawn("export") as reader_leaves:
        assert reader_leaves.stdout is not None and reader_leaves.stdout.readline()
        reader_leaves.stdout.close()  # `readlist export | head -1`, with ~1 MB more than a pipe holds
        assert reader_leaves.wait(60) == 0 and "Traceback" not in reader_leaves.stderr.read()  # type: ignore[union-attr]
    command = f"'{sys.executable}' -m readlist list >&-"
    closed = subprocess.run(command, shell=True, env=seeded.proc_env, stderr=subprocess.PIPE)
    assert closed.returncode == 0 and b"Traceback" not in closed.stderr  # started with stdout closed
    out = seeded.tmp / "out.bib"
    assert seeded.proc("export", "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").count("\n@") + 1 == 487
