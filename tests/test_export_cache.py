"""Stored export texts (Store.export_texts): an export reuses them, and never one that is out of date.

The oracle is the exporter run on the papers as the library holds them now, with nothing stored: after any
sequence of changes, an export must be byte-identical to it.
"""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist.api import ReadingList
from readlist.config import Settings
from readlist.export import get_exporter
from readlist.export.base import ExportOptions
from readlist.store.library import Filters
from tests.cli import Cli
from tests.fakeserver import FakeServer

BIB = r"""
@article{kim2021first,
  title = {A First Paper about {RL} and 50\% of Things},
  author = {Kim, Ana and M{\"u}ller, J{\"u}rgen},
  year = {2021},
  journal = {Journal of Tests},
  keywords = {rl, vision},
  note = {an imported note},
  abstract = {Words words words.}
}

@misc{lee2022second,
  title = {Second Paper},
  author = {Lee, Bo},
  year = {2022},
  readlist-state = {reading}
}

@misc{park2023third,
  title = {Third: a Paper with $x^2$},
  author = {Park, Chul and van der Berg, Dirk},
  year = {2023}
}
"""

FORMATS = [
    ("bibtex", ExportOptions()),
    ("bibtex", ExportOptions(ascii=True)),
    ("biblatex", ExportOptions(flavor="biblatex", abstract=False)),
    ("markdown", ExportOptions()),
    ("markdown", ExportOptions(group_by="tag", et_al=1)),
    ("csl-json", ExportOptions()),
]


def uncached(rl: ReadingList, fmt: str, options: ExportOptions) -> str:
    out = io.StringIO()
    get_exporter(fmt).write(rl.papers(), out, options)
    return out.getvalue()


def exported(rl: ReadingList, fmt: str, options: ExportOptions, path: Path) -> str:
    rl.export(fmt, path, Filters(), options)
    return path.read_text(encoding="utf-8")


def stored_rows(library: Path) -> int:
    with sqlite3.connect(library) as db:
        return db.execute("SELECT count(*) FROM export_cache").fetchone()[0]


def library(tmp_path: Path, server: FakeServer) -> ReadingList:
    bib = tmp_path / "in.bib"
    bib.write_text(BIB, encoding="utf-8")
    rl = ReadingList(
        Settings(
            library=tmp_path / "library.sqlite", cache=tmp_path / "http.sqlite", arxiv_url=server.arxiv_url,
            s2_url=server.s2_url, arxiv_interval=0.0, s2_interval=0.0, connect_timeout=2.0, read_timeout=5.0,
        )
    )  # fmt: skip
    assert not rl.import_bib(str(bib)).problems
    # papers known only by an arXiv id until `resolve` fetches their records
    assert not rl.add([p.arxiv_id for p in server.papers if p.arxiv_id][:2], resolve=False).problems
    return rl


OPERATIONS = st.sampled_from(
    ["note", "tag", "untag", "read", "unread", "rename", "remove", "import", "resolve", "restore"]
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(st.tuples(OPERATIONS, st.integers(0, 10), st.sampled_from(range(len(FORMATS)))), max_size=8))
def test_any_change_shows_in_the_next_export(
    tmp_path_factory: pytest.TempPathFactory, fake_server: FakeServer, ops: list[tuple[str, int, int]]
) -> None:
    tmp = tmp_path_factory.mktemp("lib")
    rl = library(tmp, fake_server)
    backup = tmp / "backup.sqlite"
    rl.backup(backup)
    for fmt, options in FORMATS:  # everything stored before the changes
        assert exported(rl, fmt, options, tmp / "out") == uncached(rl, fmt, options)
    try:
        for n, (op, pick, fmt_index) in enumerate(ops):
            keys = [p.key for p in rl.papers()]
            key = keys[pick % len(keys)] if keys else None
            if op == "import" or key is None:
                bib = tmp / f"more{n}.bib"
                bib.write_text(BIB.replace("an imported note", f"note {n}").replace("rl, vision", f"t{n}"), "utf-8")
                rl.import_bib(str(bib))
            elif op == "note":
                rl.note(key, f"note {n} with {{braces}} & 100%")
            elif op == "tag":
                rl.tag(key, [f"tag {n}", "shared"])
            elif op == "untag":
                rl.tag(key, ["rl", "shared", "vision"], remove=True)
            elif op in ("read", "unread"):
                rl.set_state([key], op)
            elif op == "rename":
                rl.rename_key(key, f"renamed{n}")
            elif op == "remove":
                rl.remove([key])
            elif op == "resolve":
                rl.resolve()
            elif op == "restore":
                rl.restore(backup)
            fmt, options = FORMATS[fmt_index]
            assert exported(rl, fmt, options, tmp / "out") == uncached(rl, fmt, options), (op, fmt)
        # texts were stored along the way (unless every paper was removed: their texts went with them)
        assert stored_rows(rl.settings.library) > 0 or not list(rl.papers())
    finally:
        rl.close()


def test_second_export_reads_stored_texts_and_is_identical(tmp_path: Path) -> None:
    cli = Cli(tmp_path)
    bib = tmp_path / "in.bib"
    bib.write_text(BIB, encoding="utf-8")
    assert cli("import", str(bib)).exit_code == 0
    first = cli("export", "--format", "bibtex")
    assert first.exit_code == 0 and stored_rows(cli.library) == 3
    assert cli("export", "--format", "bibtex").stdout == first.stdout
    assert cli("export", "--format", "bibtex", "--tag", "rl").stdout.count("@") == 1


def test_export_does_not_wait_for_a_writer_and_stores_nothing_meanwhile(tmp_path: Path) -> None:
    cli = Cli(tmp_path)
    bib = tmp_path / "in.bib"
    bib.write_text(BIB, encoding="utf-8")
    assert cli("import", str(bib)).exit_code == 0
    writer = sqlite3.connect(cli.library, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another command holding the write lock for a long time
    try:
        start = time.monotonic()
        res = cli.proc("export", "--format", "markdown", timeout=30)
        assert res.exit_code == 0, res.stderr
        assert time.monotonic() - start < 15  # the busy timeout is 60 s
        assert res.stdout.count("- [") == 3
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert stored_rows(cli.library) == 0
    again = cli.proc("export", "--format", "markdown")
    assert again.stdout == res.stdout and stored_rows(cli.library) == 3


def test_export_to_a_fifo_writes_through_it(tmp_path: Path) -> None:
    """A named pipe (or /dev/stdout) is written to, not replaced by a regular file."""
    cli = Cli(tmp_path)
    bib = tmp_path / "in.bib"
    bib.write_text(BIB, encoding="utf-8")
    assert cli("import", str(bib)).exit_code == 0
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen([sys.executable, "-c", f"print(open({str(fifo)!r}).read().count('@'))"], stdout=-1)
    res = cli.proc("export", "--format", "bibtex", "-o", str(fifo))
    assert res.exit_code == 0, res.stderr
    assert reader.communicate(timeout=30)[0].strip() == b"3"
    assert fifo.is_fifo()
