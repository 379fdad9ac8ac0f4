"""kill -9 at random moments: the loops behind tests/test_reliability.py (a few runs) and benchmarks/bench_crash.py.

Each loop runs a real ``readlist`` process on a real library, kills it with SIGKILL after a random delay (unless it
has already exited), then checks what a user relies on: both SQLite files pass ``PRAGMA integrity_check``, nothing
committed before the kill is gone, and a final run without a kill finishes the work.
"""

from __future__ import annotations

import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

Window = tuple[float, float]  # seconds: the kill comes after a delay drawn uniformly from this range


@dataclass
class Figures:
    """What a crash loop did and found; ``problems`` names every loss or corruption (it must stay empty)."""

    runs: int = 0
    kills: int = 0  # runs killed before they exited (the others finished first)
    integrity_ok: int = 0  # runs after which every SQLite file passed its integrity check
    lost: int = 0  # entries, notes or matches committed before a kill and missing after it
    rerun_ok: bool = False  # the final run without a kill finished the work
    problems: list[str] = field(default_factory=list)

    def line(self, name: str) -> str:
        return (
            f"{name}: {self.runs} runs, {self.kills} killed, integrity ok after {self.integrity_ok}/{self.runs}, "
            f"lost {self.lost}, rerun completes: {'yes' if self.rerun_ok else 'NO'}"
        )


@dataclass(frozen=True)
class Snapshot:
    """What a library holds that must never be lost: entries (their sources), notes and settled matches."""

    keys: frozenset[str]
    sources: frozenset[tuple[str, int | None]]
    notes: frozenset[str]
    matched: frozenset[tuple[str, str]]  # (key, arXiv id or DOI)
    statuses: dict[str, int]

    @classmethod
    def of(cls, library: Path) -> Snapshot:
        if not library.exists():
            return cls(frozenset(), frozenset(), frozenset(), frozenset(), {})
        db = sqlite3.connect(library)
        try:
            return cls(
                frozenset(k for (k,) in db.execute("SELECT key FROM papers")),
                frozenset(db.execute("SELECT file, line FROM sources")),
                frozenset(t for (t,) in db.execute("SELECT text FROM notes")),
                frozenset(
                    db.execute(
                        "SELECT key, coalesce(arxiv_id, doi, '') FROM papers WHERE status = 'matched'"
                    ).fetchall()
                ),
                dict(db.execute("SELECT status, count(*) FROM papers GROUP BY status").fetchall()),
            )
        finally:
            db.close()

    def missing_from(self, later: Snapshot) -> list[str]:
        """What this snapshot holds and ``later`` lacks (a paper may merge into another, its sources may not)."""
        lost = [f"entry {f}:{n}" for f, n in sorted(self.sources - later.sources, key=str)]
        lost += [f"note {t[:40]!r}" for t in sorted(self.notes - later.notes)]
        return lost + [f"match {k} = {i}" for k, i in sorted(self.matched - later.matched)]


def holds(*counts: int) -> Callable[[Snapshot], list[str]]:
    """A check: the library holds one of ``counts`` papers (one command is one transaction: all or nothing)."""
    return lambda snap: [] if len(snap.keys) in counts else [f"{len(snap.keys)} papers, expected one of {counts}"]


def none_pending(final: Snapshot) -> list[str]:
    """A check for the end of a resolve loop: no paper is left pending."""
    return [f"{final.statuses['pending']} papers still pending"] if final.statuses.get("pending") else []


def integrity(path: Path) -> str:
    """``PRAGMA integrity_check`` of an SQLite file ("ok" when sound; a missing file is sound too)."""
    if not path.exists():
        return "ok"
    db = sqlite3.connect(path)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


def run_readlist(env: dict[str, str], args: list[str], log: Path, kill_after: float | None = None) -> bool:
    """Run ``readlist ARGS``; with ``kill_after``, SIGKILL it then unless it has exited. True when it was killed.

    A run that exits on its own must succeed; its stderr (kept in ``log``) is in the assertion message.
    """
    with log.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "readlist", *args], env=env, stdout=subprocess.DEVNULL, stderr=err
        )
        try:
            proc.wait(timeout=kill_after if kill_after is not None else 600)
        except subprocess.TimeoutExpired:
            if kill_after is None:
                raise
            proc.kill()
            proc.wait()
            return True
    assert proc.returncode == 0, f"readlist {' '.join(args)} failed: {log.read_text()[-2000:]}"
    return False


def crash_loop(
    env: dict[str, str],
    args: list[str],
    runs: int,
    rng: random.Random,
    window: Window,
    *,
    check: Callable[[Snapshot, Snapshot], list[str]] = lambda before, after: [],
    finished: Callable[[Snapshot], list[str]] = lambda final: [],
) -> Figures:
    """Kill ``readlist ARGS`` ``runs`` times at random, then run it once more to the end.

    After each run: the library and the HTTP cache pass their integrity checks, nothing in the library before
    the run is missing, and ``check(before, after)`` finds nothing wrong. ``finished(final)`` says what the
    final library still lacks.
    """
    library, cache = Path(env["READLIST_LIBRARY"]), Path(env["READLIST_CACHE"])
    log = library.with_name("crash-run.log")
    figures = Figures()
    for _ in range(runs):
        before = Snapshot.of(library)
        figures.runs += 1
        figures.kills += run_readlist(env, args, log, rng.uniform(*window))
        damaged = [f"{p.name}: {r}" for p in (library, cache) if (r := integrity(p)) != "ok"]
        figures.integrity_ok += not damaged
        after = Snapshot.of(library) if not damaged else before
        lost = before.missing_from(after)
        figures.lost += len(lost)
        figures.problems += damaged + lost + check(before, after)
    run_readlist(env, args, log)
    missing = finished(Snapshot.of(library))
    figures.problems += missing
    figures.rerun_ok = not missing
    return figures


def export_crash_loop(
    env: dict[str, str], exports: list[list[str]], target: Path, runs: int, rng: random.Random, window: Window
) -> Figures:
    """Kill ``readlist export ... -o TARGET`` at random: TARGET must always be the file it was or a complete new one.

    ``exports`` are export commands writing TARGET, run in turn; alternating options (``--no-abstract``) makes each
    run render every paper again rather than stream stored text. Each one's complete output is made once first,
    uninterrupted, to a file beside TARGET.
    """
    log = target.with_name("crash-export.log")
    complete = []
    for i, args in enumerate(exports):
        reference = target.with_name(f"complete-{i}-{target.name}")
        out = args.index("-o") + 1
        run_readlist(env, [*args[:out], str(reference), *args[out + 1 :]], log)
        complete.append(reference.read_bytes())
    figures = Figures()
    for i in range(runs):
        old = target.read_bytes()
        figures.runs += 1
        figures.kills += run_readlist(env, exports[i % len(exports)], log, rng.uniform(*window))
        figures.integrity_ok += integrity(Path(env["READLIST_LIBRARY"])) == "ok"
        if target.read_bytes() not in (old, complete[i % len(exports)]):
            figures.lost += 1
            figures.problems.append(f"{target.name}: {target.stat().st_size} bytes, neither the old nor the new file")
    run_readlist(env, exports[0], log)
    figures.rerun_ok = target.read_bytes() == complete[0]
    return figures


@dataclass
class InterruptFigures:
    """What an interrupt loop did and found; ``problems`` names every loss, slow exit or wrong message."""

    runs: int = 0
    interrupted: int = 0  # runs the signal stopped (the others had finished)
    before_reading: int = 0  # of those, runs stopped while readlist was still starting (nothing read yet)
    kept_all: int = 0  # runs after which the library held every entry of the pages
    slowest: float = 0.0  # seconds from the signal to the exit, the longest
    problems: list[str] = field(default_factory=list)

    def line(self, name: str, limit: float) -> str:
        return (
            f"{name}: {self.runs} runs, {self.interrupted} interrupted ({self.before_reading} while starting up), "
            f"every parsed entry kept after {self.kept_all}/{self.runs - self.before_reading}, exit within "
            f"{limit:g} s: {'yes' if self.slowest <= limit else 'NO'} (slowest {self.slowest:.2f} s)"
        )


INTERRUPTED_LINE = re.compile(
    r"^interrupted: \d+ papers? pending, everything parsed is kept; `readlist resolve` continues$"
)
NOTHING_CHANGED = "interrupted: the library is unchanged"


def interrupt_loop(
    env: dict[str, str],
    pages: list[str],
    runs: int,
    rng: random.Random,
    *,
    limit: float = 2.0,
    signum: int = signal.SIGINT,
) -> InterruptFigures:
    """``readlist add PAGES`` on a fresh library each run, interrupted (``signum``) at a random moment within the
    length of one uninterrupted run (run first: its library holds every entry of the pages). After each: the
    program exited within ``limit`` seconds of the signal, saying so in one line, and the library holds every
    parsed entry (as many papers and sources as the uninterrupted run's); a run stopped while readlist was still
    starting up (before it read the pages) has stored nothing and says so."""
    home = Path(env["READLIST_LIBRARY"]).parent
    figures = InterruptFigures()
    full = None
    papers = entries = 0
    for i in range(runs + 1):
        run_home = home / f"interrupt-{i}"
        run_home.mkdir(parents=True, exist_ok=True)
        run_env = {
            **env,
            "READLIST_LIBRARY": str(run_home / "library.sqlite"),
            "READLIST_CACHE": str(run_home / "cache.sqlite"),
        }
        started = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "readlist", "add", *pages], env=run_env, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        if full is None:  # the first run is not interrupted: it measures the window
            _, err = proc.communicate(timeout=600)
            assert proc.returncode == 0, err[-2000:]
            full = time.monotonic() - started
            whole = Snapshot.of(run_home / "library.sqlite")
            papers, entries = len(whole.keys), len(whole.sources)
            continue
        figures.runs += 1
        try:
            _, err = proc.communicate(timeout=rng.uniform(0.05, full))
            stopped = None
        except subprocess.TimeoutExpired:
            sent = time.monotonic()
            proc.send_signal(signum)
            _, err = proc.communicate(timeout=600)
            stopped = time.monotonic() - sent
        snap = Snapshot.of(run_home / "library.sqlite")
        last = (err.strip().splitlines() or [""])[-1]
        if stopped is None:
            ok = proc.returncode == 0
        else:
            figures.interrupted += 1
            figures.slowest = max(figures.slowest, stopped)
            if stopped > limit:
                figures.problems.append(f"run {i}: exited {stopped:.2f} s after the signal")
            early = last == NOTHING_CHANGED or proc.returncode == -signum
            if early and not snap.keys:
                figures.before_reading += 1
                continue
            ok = proc.returncode == 128 + signum and bool(INTERRUPTED_LINE.match(last))
        if not ok:
            figures.problems.append(f"run {i}: exit {proc.returncode}, last line {last!r}")
        if len(snap.keys) == papers and len(snap.sources) == entries:
            figures.kept_all += 1
        else:
            figures.problems.append(f"run {i}: {len(snap.keys)} papers, {len(snap.sources)} sources kept")
    return figures
