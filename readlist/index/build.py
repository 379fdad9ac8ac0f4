"""`readlist index build FILE`: a new index from arXiv's metadata snapshot.

The snapshot is read line by line (a plain file, Kaggle's zip download, or standard input), never held in memory,
and written into a new file beside the index, which is renamed over the index once complete and synced. So a
killed build leaves the previous index (or none) and a temporary file that the next build deletes, and readers
keep the index they opened until they open it again. Lines that are not records are counted and the first few
reported, never fatal.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from readlist.errors import ReadlistError
from readlist.files import temp_beside
from readlist.index.progress import Meter
from readlist.index.schema import (
    FIELDS,
    IndexRow,
    Writer,
    count_all_terms,
    create,
    is_index,
    now,
    set_facts,
    size_on_disk,
    writer_lock,
)
from readlist.index.snapshot import BadLine, parse_line

BATCH = 5000  # rows per Writer.put
MAX_PROBLEMS = 5  # bad lines described one by one; the rest are counted


@dataclass
class BuildReport:
    index: Path
    source: str
    records: int = 0
    bad_lines: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, why) of the first MAX_PROBLEMS bad lines
    last_datestamp: str | None = None
    seconds: float = 0.0
    size: int = 0


@contextlib.contextmanager
def open_snapshot(source: str) -> Iterator[tuple[IO[bytes], int | None, str]]:
    """The snapshot as a binary stream of lines, its size in bytes (None when unknown) and the name to record."""
    if source == "-":
        yield sys.stdin.buffer, None, "standard input"
        return
    path = Path(source)
    if zipfile.is_zipfile(path):  # Kaggle's download: a zip holding the one JSON file
        with zipfile.ZipFile(path) as archive:
            files = [m for m in archive.infolist() if not m.is_dir()]
            json_files = [m for m in files if m.filename.endswith(".json")]
            members = json_files or files
            if len(members) != 1:
                raise ReadlistError(f"{source}: a zip archive of {len(files)} files; expected one snapshot file")
            with archive.open(members[0]) as stream:
                yield stream, members[0].file_size, f"{path.resolve()} ({members[0].filename})"
        return
    with path.open("rb") as stream:
        yield stream, os.fstat(stream.fileno()).st_size, str(path.resolve())


def build(source: str, index: Path, progress: bool = True) -> BuildReport:
    """Build the index at ``index`` from the snapshot ``source`` (a path, or "-" for standard input)."""
    start = time.monotonic()
    with writer_lock(index), open_snapshot(source) as (lines, total, name):
        if index.exists() and not is_index(index):
            raise ReadlistError(
                f"{index} exists and is not a readlist index; not replacing it (check the index setting)"
            )
        fd, tmp = temp_beside(index)
        os.close(fd)
        try:
            report = _load(lines, total, tmp, BuildReport(index, name), Meter("building", total) if progress else None)
            with open(tmp, "rb+") as done:
                os.fsync(done.fileno())
            os.chmod(tmp, _mode(index))
            os.replace(tmp, index)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
    report.seconds = time.monotonic() - start
    report.size = size_on_disk(index)
    return report


def _mode(index: Path) -> int:
    """The new index's permissions: the old one's, else those the umask gives a new file (the temporary file
    was made private)."""
    try:
        return stat.S_IMODE(index.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _load(lines: IO[bytes], total: int | None, path: str, report: BuildReport, meter: Meter | None) -> BuildReport:
    conn = create(path)
    try:
        writer = Writer(conn, count_terms=False)
        batch: list[IndexRow] = []
        done = 0
        conn.execute("BEGIN")
        for number, line in enumerate(lines, 1):
            done += len(line)
            if line.isspace():
                continue
            try:
                row, stamp = parse_line(line)
            except BadLine as exc:
                report.bad_lines += 1
                if len(report.problems) < MAX_PROBLEMS:
                    report.problems.append((number, str(exc)))
                continue
            batch.append(row)
            if stamp and (report.last_datestamp is None or stamp > report.last_datestamp):
                report.last_datestamp = stamp
            if len(batch) == BATCH:
                report.records += writer.put(batch)
                batch.clear()
                if meter:
                    meter.update(done, report.records)
        report.records += writer.put(batch)
        if meter:
            meter.update(done, report.records)
            meter.finish()
        if not report.records:
            first = f": line {report.problems[0][0]}: {report.problems[0][1]}" if report.problems else ""
            raise ReadlistError(f"{report.source}: no arXiv records in it ({report.bad_lines} bad line(s){first})")
        for field in FIELDS:  # one segment per table: faster queries
            conn.execute(f"INSERT INTO {field}_fts({field}_fts) VALUES ('optimize')")
        count_all_terms(conn)
        set_facts(
            conn,
            source=report.source,
            source_size=total if total is not None else done,
            built_at=now(),
            records=report.records,
            bad_lines=report.bad_lines,
            last_datestamp=report.last_datestamp,
        )
        conn.execute("COMMIT")
    finally:
        conn.close()
    return report
