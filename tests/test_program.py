"""The `readlist` program as a user sees it: what `list`, `read KEY` and exports of stored entries print and leave,
whatever the arguments; what a command loads (`readlist --help` no command module, `readlist list` neither the
store's library API nor the exporters nor the resolver); the library shared with another writer; errors as one
line."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import site
import sqlite3
import subprocess
import sys
import time
from itertools import product
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import readlist
from readlist.commands import COMMANDS
from readlist.states import FILTER_CHOICES, READ_STATES
from tests.cli import Cli

TAGS = ("rl", "to-cite")
WORDS = ("bert", "Café", 'quo"te', "")
MARKS = {"read": "x", "reading": "~", "unread": " "}


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """Papers in every read state, with tags, a note, accents and a key longer than the key column."""
    cli = Cli(tmp_path_factory.mktemp("program"))
    bib = cli.tmp / "refs.bib"
    bib.write_text(
        "@article{zeta2021, title = {Last by Key}, year = 2021, readlist-state = {read}}\n"
        "@misc{alpha, title = {Caf{\\'e} Models and {BERT}}}\n"
        "@article{mid2019, title = {Middle {BERT} Paper}, year = 2019, readlist-state = {reading}}\n"
        "@article{averyveryverylongcitationkey2020, title = {Wide Keys}, year = 2020}\n",
        encoding="utf-8",
    )
    assert cli("import", str(bib)).exit_code == 0
    assert cli("tag", "alpha", *TAGS).exit_code == 0
    assert cli("tag", "zeta2021", "rl").exit_code == 0
    assert cli("note", "mid2019", "Compare with bert-base.").exit_code == 0
    return cli


def snapshot(path: Path) -> tuple[list[tuple], list[tuple], int]:
    """What a command may change: papers' read states, the state log (times aside), stored export entries."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        return (
            db.execute("SELECT id, key, state, state_changed_at IS NULL FROM papers ORDER BY id").fetchall(),
            db.execute("SELECT id, paper_id, state FROM state_changes ORDER BY id").fetchall(),
            db.execute("SELECT count(*) FROM export_cache").fetchone()[0],
        )


@pytest.fixture(scope="module")
def exported(library: Cli, tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """The same library, with its entries stored for two exports: BibTeX, and biblatex without abstracts."""
    cli = Cli(tmp_path_factory.mktemp("exported"))
    shutil.copyfile(library.library, cli.library)
    for args in (["--format", "bibtex"], ["--format", "biblatex", "--no-abstract"]):
        assert cli("export", *args).exit_code == 0
    return cli


def copy_of(cli: Cli, tmp: Path, name: str = "copy") -> Cli:
    """A readlist whose library is a copy of ``cli``'s."""
    copy = Cli(tmp / name)
    copy.tmp.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cli.library, copy.library)
    return copy


def expected_lines(cli: Cli, *filters: str) -> list[str]:
    """The lines `readlist list` prints for these filters, made from what `list --json` says of the same papers:
    number, read mark, key (padded to 28), status (padded to 12), year (4) and title, in key order."""
    papers = json.loads(cli("list", "--json", *filters).stdout)
    lines = [
        f"{p['id']:>5} [{MARKS[p['state']]}] {p['key']:<28} {p['status']:<12} {p['year'] or '':>4}  {p['title']}"
        for p in papers
    ]
    return sorted(lines, key=lambda line: line.split()[2])


def test_every_combination_of_filters_and_global_options_lists_the_papers_it_selects(library: Cli) -> None:
    values = {
        name: [None, *(choices or (TAGS if name == "tag" else WORDS))] for name, choices in FILTER_CHOICES.items()
    }
    prefixes = [[], ["--offline", "-v"], ["--library", str(library.library)], [f"--library={library.library}"]]
    listed = set()
    for prefix, combo in product(prefixes, product(*values.values())):
        filters: list[str] = []
        for i, (name, value) in enumerate(zip(values, combo, strict=True)):
            if value is not None:  # both spellings: --status=read and --tag rl
                filters += [f"--{name}={value}"] if i % 2 else [f"--{name}", value]
        res = library(*prefix, "list", *filters)
        assert res.exit_code == 0, (prefix, filters, res.stderr)
        assert res.stdout.splitlines() == expected_lines(library, *filters), (prefix, filters)
        assert res.stdout == "" or res.stdout.endswith("\n")
        listed.add(res.stdout)
    assert "" in listed and len(listed) > 5  # the filters select different papers, sometimes none


def test_marking_papers_by_number_key_arxiv_id_or_doi_prints_each_and_logs_each_change(
    library: Cli, tmp_path: Path
) -> None:
    cli = copy_of(library, tmp_path)
    for state, papers in product(READ_STATES, (["alpha"], ["1"], [" 2 ", "mid2019"], ["zeta2021", "zeta2021"])):
        before = snapshot(cli.library)
        res = cli(state, *papers)
        assert res.exit_code == 0, res.stderr
        assert [line.rpartition(": ")[2] for line in res.stdout.splitlines()] == [state] * len(papers)
        after = snapshot(cli.library)
        marked = {line.partition(":")[0] for line in res.stdout.splitlines()}
        assert {key for _, key, s, _ in after[0] if s == state} >= marked
        assert len(after[1]) == len(before[1]) + len(papers)  # every change logged, with its time
    res = cli("read", "nosuchpaper")
    assert (res.exit_code, res.stdout) == (1, "") and "no paper 'nosuchpaper'" in res.stderr


def test_a_paper_not_found_marks_none_of_the_papers_named(library: Cli, tmp_path: Path) -> None:
    cli = copy_of(library, tmp_path)
    before = snapshot(cli.library)
    res = cli("read", "alpha", "nosuchpaper")
    assert res.exit_code == 1 and res.stdout == "" and len(res.stderr.splitlines()) == 1
    assert snapshot(cli.library) == before


def test_an_export_of_stored_entries_is_the_export_that_stored_them(exported: Cli, tmp_path: Path) -> None:
    cli = copy_of(exported, tmp_path)
    stored = snapshot(cli.library)[2]
    for fmt, flags, output, filters in product(
        ([], ["--format", "bibtex"], ["--format=biblatex"]),
        ([], ["--no-abstract"], ["--ascii", "--no-abstract"]),
        ([], ["-o", "@out"], ["--output=@out"]),
        ([], ["--tag", "rl"], ["--state=read", "--search", "bert"], ["--status", "matched"]),
    ):
        args = [*fmt, *flags, *filters]
        fresh = Cli(tmp_path / "fresh")  # renders every entry: a library without stored entries
        fresh.tmp.mkdir(exist_ok=True)
        shutil.copyfile(library_without_entries(exported, tmp_path), fresh.library)
        rendered = fresh("export", *args)
        out = tmp_path / "out.bib"
        out.unlink(missing_ok=True)
        res = cli("export", *args, *[a.replace("@out", str(out)) for a in output])
        assert res.exit_code == 0, res.stderr
        text = out.read_text(encoding="utf-8") if output else res.stdout
        assert text == rendered.stdout, args
        if output:
            assert res.stderr.endswith(f" to {out}\n") and res.stdout == ""
    assert snapshot(cli.library)[2] >= stored


def library_without_entries(cli: Cli, tmp: Path) -> Path:
    """A copy of ``cli``'s library without its stored export entries."""
    copy = tmp / "no-entries.sqlite"
    if not copy.exists():
        shutil.copyfile(cli.library, copy)
        with contextlib.closing(sqlite3.connect(copy)) as db, db:
            db.execute("DELETE FROM export_cache")
    return copy


def test_a_paper_changed_since_the_last_export_is_rendered_again_and_stored_for_the_next(
    exported: Cli, tmp_path: Path
) -> None:
    cli = copy_of(exported, tmp_path)
    assert cli("note", "alpha", "A note made after the last export.").exit_code == 0
    first = cli("export").stdout
    assert "A note made after the last export." in first
    run, loaded = imports(cli, "export")  # alpha's entry was stored again: streamed, without the exporter
    assert run.stdout == first and "readlist.export.bibtex" not in loaded


# readlist's program, writing the names of the modules it loaded to stderr as it exits (an atexit handler)
LOADED = (
    "import atexit, sys; atexit.register(lambda: print(*sorted(sys.modules), sep='\\n', file=sys.stderr)); "
    "sys.argv[0] = 'readlist'; from readlist.__main__ import run; sys.exit(run())"
)


def imports(cli: Cli, *args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run readlist with ``args``: the run, and the modules it loaded. Python starts without its site hooks (``-S``;
    readlist and its dependencies on ``PYTHONPATH``): an editable install's hook imports pathlib before readlist
    runs, and would hide whether readlist does."""
    path = os.pathsep.join([str(Path(readlist.__file__).parents[1]), *site.getsitepackages()])
    run = subprocess.run(
        [sys.executable, "-S", "-c", LOADED, *args], capture_output=True, text=True,
        env={**cli.proc_env, "PYTHONPATH": path},
    )  # fmt: skip
    return run, set(run.stderr.split())


HEAVY = {"readlist.store.library", "readlist.model", "readlist.export.base", "readlist.export.bibtex",
         "readlist.resolve.resolver", "readlist.resolve.http", "readlist.ingest.reader", "requests"}  # fmt: skip
# what a bare click program does not load, and `readlist list` need not: pathlib (a library path is a string until a
# command needs a Path), dataclasses (the settings are not one), the exporters' helpers
NOT_FOR_LIST = {"pathlib", "dataclasses", "readlist.export", "readlist.export.stored", "readlist.store.export_cache",
                "readlist.files"}  # fmt: skip


def test_each_command_loads_only_what_it_needs(exported: Cli, tmp_path: Path) -> None:
    cli = copy_of(exported, tmp_path)
    run, loaded = imports(cli, "--help")
    command_modules = {where.partition(":")[0] for where, _ in COMMANDS.values()}
    assert run.returncode == 0 and "Commands:" in run.stdout and not command_modules & loaded
    run, loaded = imports(cli, "list", "--tag", "rl")
    assert (run.returncode, run.stdout) == (0, exported("list", "--tag", "rl").stdout)
    assert "readlist.commands.listing" in loaded and not HEAVY & loaded and not (command_modules - {
        "readlist.commands.listing"}) & loaded  # fmt: skip
    assert not NOT_FOR_LIST & loaded
    run, loaded = imports(cli, "--library", str(cli.library), "list")
    assert (run.returncode, run.stdout) == (0, exported("list").stdout) and not NOT_FOR_LIST & loaded
    run, loaded = imports(cli, "export", "--tag", "rl")
    assert (run.returncode, run.stdout) == (0, exported("export", "--tag", "rl").stdout)
    assert not {"readlist.export.bibtex", "pybtex", "readlist.resolve.resolver", "requests"} & loaded
    run, loaded = imports(cli, "read", "alpha")
    assert (run.returncode, run.stdout) == (0, "alpha: read\n")
    assert snapshot(cli.library)[0][1][2] == "read"  # alpha (#2) is marked read in the library


def test_while_another_process_writes_list_and_export_answer_and_a_mark_waits_its_turn(
    exported: Cli, tmp_path: Path
) -> None:
    cli = copy_of(exported, tmp_path)
    writer = sqlite3.connect(cli.library, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # holds the write lock, as an import in progress does
    try:
        assert cli.proc("list", "--state", "read").stdout == exported("list", "--state", "read").stdout
        assert cli.proc("export").stdout == exported("export").stdout  # readers are not blocked
        with cli.spawn("read", "alpha") as marking:
            time.sleep(1.0)
            assert marking.poll() is None  # waiting for the writer (the busy timeout), not failing
            writer.execute("ROLLBACK")
            assert marking.wait(30) == 0 and marking.communicate()[0] == "alpha: read\n"
    finally:
        writer.close()
    assert snapshot(cli.library)[0][1][2] == "read"


def test_problems_are_one_line_with_the_usual_exit_status(library: Cli, tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    bad_config = Cli(tmp_path / "config", READLIST_LIBRARY=str(library.library))
    Path(bad_config.env["READLIST_CONFIG"]).write_text("library = [", encoding="utf-8")
    res = bad_config.proc("list")
    assert res.exit_code == 1 and "not a valid TOML config file" in res.stderr and len(res.stderr.splitlines()) == 1

    newer = tmp_path / "newer.sqlite"
    with sqlite3.connect(library.library) as src, sqlite3.connect(newer) as dst:
        src.backup(dst)
        dst.execute("PRAGMA user_version = 999")
    res = library.proc("--library", str(newer), "list")
    assert res.exit_code == 1 and "newer than this readlist" in res.stderr and res.stdout == ""

    res = library.proc("list", "--state", "done")
    assert res.exit_code == 2 and "Invalid value for '--state'" in res.stderr

    fresh = tmp_path / "new" / "library.sqlite"
    res = library.proc("--library", str(fresh), "list")
    assert (res.exit_code, res.stdout) == (0, "") and fresh.is_file()  # a new library is created


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (a device that is always full)")
def test_output_that_cannot_be_written_is_one_error_line(exported: Cli) -> None:
    for args in (["list"], ["export"], ["read", "alpha"], ["list", "--json"], ["export", "--format", "csl-json"]):
        with open("/dev/full", "w") as full:
            run = subprocess.run(
                [sys.executable, "-m", "readlist", *args], stdout=full, stderr=subprocess.PIPE, text=True,
                env=exported.proc_env,
            )  # fmt: skip
        assert (run.returncode, run.stderr) == (1, "Error: No space left on device\n"), args


OPTIONS = [
    *(f"--{name}" for name in FILTER_CHOICES), "--json", "--bogus", "-v", "--", "extra",
    "--format", "-o", "--output", "--ascii", "--no-abstract", "--group-by",
]  # fmt: skip
VALUES = ["read", "unread", "pending", "matched", "bogus", *TAGS, *WORDS, "-x", "bibtex", "biblatex", "tag", "@out"]
PAPERS = ["alpha", "zeta2021", "mid2019", "1", "2", " 3 ", "07", "99", "nosuch", "2401.00001", ""]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    prefix=st.lists(st.sampled_from(["--offline", "-v", "--verbose", "--library", "@lib", "--library=@lib", "-h"])),
    command=st.sampled_from(["list", "list", "read", "unread", "reading", "export", "export", "lst", "show"]),
    operands=st.lists(
        st.one_of(st.tuples(st.sampled_from(OPTIONS), st.sampled_from(VALUES), st.booleans()), st.sampled_from(PAPERS)),
        max_size=5,
    ),
)
def test_whatever_the_arguments_readlist_answers_in_one_of_three_ways_and_a_failure_changes_nothing(
    exported: Cli, tmp_path: Path, prefix: list[str], command: str, operands: list[tuple[str, str, bool] | str]
) -> None:
    cli = copy_of(exported, tmp_path, "arbitrary")
    args = [a.replace("@lib", str(cli.library)) for a in (*prefix, command)]
    for operand in operands:
        if isinstance(operand, str):
            args.append(operand)
        else:
            option, value, joined = operand
            args += [f"{option}={value}"] if joined else [option, value]
    before = snapshot(cli.library)
    with contextlib.chdir(tmp_path):  # an output path drawn here (`-o read`) is written there, not in the checkout
        res = cli(*args)
    assert res.exit_code in (0, 1, 2), (args, res.stderr)
    assert "Traceback" not in res.stderr
    if res.exit_code:
        assert res.stdout == "" and len(res.stderr.strip().splitlines()) >= 1, args
        assert snapshot(cli.library) == before, args
