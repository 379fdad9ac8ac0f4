"""Trustworthiness with real processes: concurrent commands, kill -9 (add, resolve, import, export), backup and
restore. benchmarks/bench_crash.py runs the same kill loops (tests/crash.py) 20+ times each."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import bibtexparser
import pytest

from tests.cli import Cli
from tests.crash import crash_loop, export_crash_loop, holds, none_pending
from tests.fakeserver import FakeServer
from tests.paths import REPO, seed, seed_pages
from tests.test_resolver import TRANSIENT_FAULTS


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


def listed(cli: Cli) -> list[dict]:
    return json.loads(cli("list", "--json").stdout)


def test_concurrent_commands_on_one_library(cli: Cli, tmp_path: Path) -> None:
    assert cli("add", "--no-resolve", str(seed("003"))).exit_code == 0
    key = listed(cli)[0]["key"]
    pages = [str(p) for p in seed_pages()]
    procs = [
        cli.spawn("add", "--no-resolve", *pages[:3]),
        cli.spawn("add", "--no-resolve", *pages[1:]),
        cli.spawn("note", key, "written while others write"),
        cli.spawn("read", key),
        cli.spawn("export", "--format", "bibtex", "-o", str(tmp_path / "out.bib")),
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert "locked" not in err
    papers = listed(cli)
    assert len(papers) == 487
    assert len({p["title"] for p in papers}) == len(papers)
    (mine,) = [p for p in papers if p["key"] == key]
    assert mine["notes"] == ["written while others write"] and mine["state"] == "read"
    assert sum(len(p["sources"]) for p in papers) == 603


def test_kill_9_during_add_never_corrupts_and_a_rerun_finishes(cli: Cli) -> None:
    pages = [str(p) for p in seed_pages()]
    runs = int(os.environ.get("READLIST_KILL_RUNS", "8"))
    figures = crash_loop(
        cli.proc_env, ["add", "--no-resolve", *pages], runs, random.Random(7), (0.05, 0.5),
        check=lambda before, after: holds(0, 487)(after), finished=holds(487),
    )  # fmt: skip
    assert figures.problems == [] and figures.rerun_ok


def test_kill_9_during_resolve_keeps_every_match_and_a_rerun_finishes(tmp_path: Path, fake_server: FakeServer) -> None:
    cli = Cli(
        tmp_path, READLIST_ARXIV_URL=fake_server.arxiv_url, READLIST_S2_URL=fake_server.s2_url,
        READLIST_ARXIV_INTERVAL="0.6", READLIST_S2_INTERVAL="0.3",  # resolve outlasts the first kill
    )  # fmt: skip
    assert cli.proc("add", str(seed("003"))).exit_code == 0  # some papers are matched before any kill
    first = listed(cli)
    assert any(p["status"] == "matched" for p in first)
    assert cli("note", first[0]["key"], "committed before the kills").exit_code == 0
    assert cli("add", "--no-resolve", *map(str, seed_pages()[:2])).exit_code == 0
    figures = crash_loop(cli.proc_env, ["resolve"], 4, random.Random(11), (0.3, 2.5), finished=none_pending)
    assert figures.problems == [] and figures.rerun_ok
    assert figures.kills >= 1


def test_kill_9_during_a_large_import_then_during_its_export(cli: Cli, tmp_path: Path) -> None:
    bib = tmp_path / "synthetic.bib"
    n = 4000  # large enough that the import still runs at the kills (2000 papers take ~0.5 s)
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "synth.py"), str(n), str(bib)], check=True)
    assert cli("add", "--no-resolve", str(seed("003"))).exit_code == 0
    key = listed(cli)[0]["key"]
    assert cli("note", key, "committed before the kills").exit_code == 0
    target = tmp_path / "reading-list.bib"
    assert cli("export", "--format", "bibtex", "-o", str(target)).exit_code == 0  # the "old" export
    figures = crash_loop(
        cli.proc_env, ["import", str(bib)], 4, random.Random(3), (0.2, 1.5),
        check=lambda before, after: holds(42, 42 + n)(after), finished=holds(42 + n),
    )  # fmt: skip
    assert figures.problems == [] and figures.rerun_ok and figures.kills >= 1
    export = ["export", "--format", "bibtex", "-o", str(target)]
    figures = export_crash_loop(
        cli.proc_env, [export, [*export, "--no-abstract"]], target, 4, random.Random(5), (0.05, 0.15)
    )
    assert figures.problems == [] and figures.rerun_ok and figures.kills >= 1
    exported = bibtexparser.parse_string(target.read_text(encoding="utf-8"))
    assert len(exported.entries) == 42 + n and not exported.failed_blocks
    assert not list(tmp_path.glob(".reading-list.bib.*")), "the next export removes what killed ones left"


def test_a_run_with_faults_then_resolve_ends_as_a_run_without_faults(tmp_path: Path, fake_server: FakeServer) -> None:
    """30% of requests fail (transient kinds, after retries some entries stay pending); `readlist resolve` then
    gives the library a fault-free `add` makes: same papers, ids, keys, statuses, metadata and sources (a paper
    stored pending has a provisional key, made again when it is resolved)."""
    pages = [str(seed("003")), str(seed("001"))]

    def library(name: str, fault_rate: float) -> list[dict]:
        cli = Cli(tmp_path / name, READLIST_ARXIV_URL=fake_server.arxiv_url, READLIST_S2_URL=fake_server.s2_url)
        fake_server.faults.set(rate=fault_rate, kinds=TRANSIENT_FAULTS, seed=7)
        assert cli.proc("add", *pages).exit_code == 0
        if fault_rate:
            assert sum(r.fault is not None for r in fake_server.requests()) >= 3
            assert any(p["status"] == "pending" for p in listed(cli))
            fake_server.faults.reset()
            assert cli.proc("resolve").exit_code == 0
        return sorted(listed(cli), key=lambda p: p["id"])

    clean = library("clean", 0.0)
    assert library("faulty", 0.3) == clean


def test_backup_while_writing_and_restore(cli: Cli, tmp_path: Path) -> None:
    assert cli("add", "--no-resolve", str(seed("003"))).exit_code == 0
    writer = cli.spawn("add", "--no-resolve", *map(str, seed_pages()))
    res = cli.proc("backup", str(tmp_path / "b.sqlite"))
    assert res.exit_code == 0, res.stderr
    assert writer.wait(timeout=120) == 0
    with sqlite3.connect(tmp_path / "b.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*) FROM papers").fetchone()[0] in (42, 487)
    key = listed(cli)[0]["key"]
    assert cli("rm", "--yes", key).exit_code == 0
    assert cli.proc("backup", str(tmp_path / "full.sqlite")).exit_code == 0
    assert cli("note", listed(cli)[0]["key"], "after the backup").exit_code == 0
    assert cli("restore", str(tmp_path / "full.sqlite")).exit_code == 0
    assert len(listed(cli)) == 486 and all(not p["notes"] for p in listed(cli))
    assert cli.library.with_name(cli.library.name + ".before-restore.bak").exists()


@pytest.mark.parametrize("content", [b"", b"garbage" * 1000])
def test_restore_refuses_a_bad_file_and_keeps_the_library(cli: Cli, tmp_path: Path, content: bytes) -> None:
    assert cli("add", "--no-resolve", str(seed("003"))).exit_code == 0
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(content)
    res = cli.proc("restore", str(bad))
    assert res.exit_code == 1 and "nothing was restored" in res.stderr and "Traceback" not in res.stderr
    assert len(listed(cli)) == 42
