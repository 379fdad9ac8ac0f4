"""Trustworthiness with real processes: concurrent commands, kill -9, backup and restore."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli import Cli
from tests.paths import seed, seed_pages


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


def spawn(cli: Cli, *args: str) -> subprocess.Popen:
    env = {**os.environ, **cli.env}
    return subprocess.Popen(
        [sys.executable, "-m", "readlist", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def listed(cli: Cli) -> list[dict]:
    return json.loads(cli("list", "--json").stdout)


def test_concurrent_commands_on_one_library(cli: Cli, tmp_path: Path) -> None:
    assert cli("add", "--no-resolve", str(seed("003"))).exit_code == 0
    key = listed(cli)[0]["key"]
    pages = [str(p) for p in seed_pages()]
    procs = [
        spawn(cli, "add", "--no-resolve", *pages[:3]),
        spawn(cli, "add", "--no-resolve", *pages[1:]),
        spawn(cli, "note", key, "written while others write"),
        spawn(cli, "read", key),
        spawn(cli, "export", "--format", "bibtex", "-o", str(tmp_path / "out.bib")),
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
    rng = random.Random(7)
    for _ in range(int(os.environ.get("READLIST_KILL_RUNS", "8"))):
        proc = spawn(cli, "add", "--no-resolve", *pages)
        time.sleep(rng.uniform(0.05, 0.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with sqlite3.connect(cli.library) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            n = db.execute("SELECT count(*) FROM papers").fetchone()[0]
            assert n in (0, 487)  # one command is one transaction: all or nothing
    assert cli("add", "--no-resolve", *pages).exit_code == 0
    assert len(listed(cli)) == 487


def test_backup_while_writing_and_restore(cli: Cli, tmp_path: Path) -> None:
    assert cli("add", "--no-resolve", str(seed("003"))).exit_code == 0
    writer = spawn(cli, "add", "--no-resolve", *map(str, seed_pages()))
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
