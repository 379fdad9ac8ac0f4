"""Hostile inputs: each problem is one line naming the file and line or entry; valid entries still land."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.cli import Cli


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


def listed(cli: Cli) -> list[dict]:
    return json.loads(cli("list", "--json").stdout)


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def test_a_100_mb_page_is_refused_in_one_line(cli: Cli, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.truncate(100 * 2**20)
    res = cli.proc("add", "--no-resolve", str(big))
    assert res.exit_code == 1 and "Traceback" not in res.stderr
    assert error_lines(res.stderr) == [f"error: {big}: is 100 MiB; pages over 20 MiB are refused"]


def test_a_page_of_10000_entries(cli: Cli, tmp_path: Path) -> None:
    page = tmp_path / "many.txt"
    page.write_text(
        "\n".join(f"Synthetic Paper Number {i}\n{'Synthetic abstract sentence. ' * 12}" for i in range(10_000)),
        encoding="utf-8",
    )
    res = cli.proc("add", "--no-resolve", str(page))
    assert res.exit_code == 0, res.stderr
    assert res.stdout.startswith("added: 10000 new, 0 already in the library, 0 repeats in this input\n")


def test_unreadable_file(cli: Cli, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    f = tmp_path / "secret.txt"
    f.write_text("A Title\n" + "x. " * 100)
    f.chmod(0)
    res = cli.proc("add", "--no-resolve", str(f))
    assert res.exit_code == 1 and error_lines(res.stderr) == [f"error: {f}: permission denied"]


HOSTILE_BIB = r"""@string{conf = "Conference on Hostile Inputs"}
@comment{ignore me}

@inproceedings{good1,
  title = {Good {RL} Paper with 100\% \& \$5 and $\infty$},
  author = {van der Berg, Jan and {OpenAI Team} and Knuth, Jr., Donald},
  booktitle = conf,
  year = 2021,
  keywords = {rl, theory},
  note = {To appear},
  annote = {first note}
}

@article{good1,
  title = {Duplicate key},
  year = 2020
}

@article{broken,
  title = {Unbalanced {braces,
  year = 2020

@misc{child,
  crossref = {good1},
  title = {Child Entry}
}

@misc{,
  title = {No key at all}
}

@misc{empty,
  year = 2000
}

@article{twice,
  title = {First},
  title = {Second}
}
"""


def test_hostile_bib_reports_each_problem_and_keeps_the_valid_entries(cli: Cli, tmp_path: Path) -> None:
    bib = tmp_path / "hostile.bib"
    bib.write_text(HOSTILE_BIB, encoding="utf-8")
    res = cli.proc("import", str(bib))
    assert res.exit_code == 1 and "Traceback" not in res.stderr
    errors = error_lines(res.stderr)
    # the one block no tool can read is an error; every entry that can be read is kept, oddities are warnings
    assert errors == [f"error: {bib}:19: entry 'broken': unbalanced braces: this value is never closed"]
    warnings = [line for line in res.stderr.splitlines() if line.startswith("warning: ")]
    assert (
        f"warning: {bib}:14: entry 'good1': repeats the key of the entry at line 4 (BibTeX ignores this one);"
        " kept under a new key" in warnings
    )
    assert any(
        w.startswith(f"warning: {bib}:36: entry 'twice': field 'title' is repeated; the first") for w in warnings
    )
    assert "flagged as possible duplicates" not in res.stdout  # a different paper: nothing to flag it with
    papers = {p["title"]: p for p in listed(cli)}
    good = papers["Good RL Paper with 100% & $5 and $\\infty$"]
    assert good["key"] == "good1"
    assert good["authors"] == ["Jan van der Berg", "OpenAI Team", "Donald Knuth, Jr."]
    assert good["venue"] == "Conference on Hostile Inputs"
    assert good["tags"] == ["rl", "theory"] and good["notes"] == ["first note"]
    assert papers["Child Entry"]["venue"] == "Conference on Hostile Inputs"  # inherited through crossref
    assert papers["Duplicate key"]["key"] != "good1"
    assert papers["First"]["key"] == "twice"  # BibTeX's value of a repeated field
    assert "No key at all" in papers and "empty" in {p["key"] for p in papers.values()}


NASTY = "} @ % \\ $ # {\x07\x1b\u200f\u202e" + "w" * 10_000


def test_hostile_text_in_notes_and_tags_is_kept_exactly(cli: Cli, tmp_path: Path) -> None:
    page = tmp_path / "p.txt"
    page.write_text(f"A Title {NASTY[:40]}\n{'Abstract text. ' * 30}\n", encoding="utf-8")
    assert cli("add", "--no-resolve", str(page)).exit_code == 0
    (p,) = listed(cli)
    assert cli("note", p["key"], NASTY).exit_code == 0
    assert cli("tag", p["key"], "c++ & {x}").exit_code == 0
    (p,) = listed(cli)
    assert p["notes"] == [NASTY] and p["tags"] == ["c++ & {x}"]
