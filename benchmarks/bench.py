"""readlist's performance benchmark: the real CLI on seeded synthetic libraries, each median beside its budget.

Run: ``.venv/bin/python benchmarks/bench.py`` (full: 1k, 10k, 100k and pubs/papis side by side at 1k and 10k);
``--quick`` (1k only, 3 runs, no side by side, short resolution intervals); ``--sizes 1k,10k``;
``--compare-sizes 1k``; ``--no-compare``; ``--baseline REV`` (readlist at commit REV too, in the side by side:
before and after in one run); ``--report FILE`` (also write the tables as Markdown). Exits 1 when a budget or a
side-by-side target is missed. Every figure is the median wall time of fresh ``readlist`` processes (as a user
runs them, output to /dev/null); peak RSS is the largest ``ru_maxrss`` of those processes (``os.wait4``).
See docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import PROBE_TAG, PROBE_WORD, write_bib

REPO = Path(__file__).resolve().parents[1]
SEEDS = Path(os.environ.get("READLIST_SHARED") or REPO.parent / "shared") / "seeds"
MEMORY_BUDGET_MB = 400.0
IMPORT_ROW_UP_TO = 10_000  # the import budget is for 10k papers; a larger library's import is reported in a note


@dataclass
class Timing:
    """Wall times of the runs that finished, the largest child RSS, and how the last run ended."""

    times: list[float] = field(default_factory=list)
    rss_mb: float = 0.0
    timeout: float | None = None  # set when a run was killed at this many seconds
    error: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times and not self.timeout and not self.error else None

    def label(self) -> str:
        if self.error:
            return f"failed: {self.error}"
        if self.timeout:
            return f"> {self.timeout:.0f} s"
        return fmt_seconds(self.median) + ("" if len(self.times) > 1 else " (1 run)")


def fmt_seconds(s: float | None) -> str:
    if s is None:
        return "n/a"
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def run_once(cmd: Sequence[str], env: dict[str, str], timeout: float) -> tuple[float, float]:
    """(wall seconds, max RSS in MB) of one child process; raises TimeoutError or RuntimeError."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
            start_new_session=True,
        )  # fmt: skip
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if killed.is_set():
            raise TimeoutError
        if proc.returncode != 0:
            err.seek(0)
            lines = err.read().decode("utf-8", "replace").strip().splitlines()
            raise RuntimeError(f"exit {proc.returncode}: {lines[-1] if lines else ''}"[:160])
    return wall, usage.ru_maxrss / 1024


def _run_into(timing: Timing, cmd: Sequence[str], env: dict[str, str], timeout: float) -> float | None:
    """One run of ``cmd``: its wall time, or None when it timed out or failed (recorded in ``timing``)."""
    try:
        wall, rss = run_once(cmd, env, timeout)
    except TimeoutError:
        timing.timeout = timeout
        return None
    except RuntimeError as exc:
        timing.error = str(exc)
        return None
    timing.rss_mb = max(timing.rss_mb, rss)
    return wall


@dataclass
class Job:
    """A command to measure: ``runs`` runs, each bounded by ``timeout``, after one unmeasured warm-up run unless
    ``warmup`` is off or there is a ``setup``, which runs before each run (an import needs a fresh library)."""

    cmd: Sequence[str]
    env: dict[str, str]
    runs: int
    timeout: float = 600.0
    setup: Callable[[], None] | None = None
    warmup: bool = True


def measure_interleaved(jobs: Sequence[Job], slow_after: float = 10.0) -> list[Timing]:
    """Each job's timing, measured in turns: run i of every job, then run i + 1. A run slower than ``slow_after``
    seconds ends its job's series, so slow tools get fewer repetitions.

    The speed of a shared VM drifts by tens of percent over minutes; taking turns makes the drift hit every
    tool alike, so the ratio between them holds even when the absolute figures move.
    """
    timings = [Timing() for _ in jobs]
    done = [False] * len(jobs)
    for turn in range(-1, max((job.runs for job in jobs), default=0)):  # turn -1: the warm-up runs
        for i, (job, timing) in enumerate(zip(jobs, timings, strict=True)):
            if done[i] or turn >= job.runs or (turn < 0 and (job.setup is not None or not job.warmup)):
                continue
            if job.setup is not None:
                job.setup()
            wall = _run_into(timing, job.cmd, job.env, job.timeout)
            if wall is None:
                done[i] = True
            elif turn < 0:
                timing.rss_mb = 0.0
            else:
                timing.times.append(wall)
                done[i] = wall > slow_after
    return timings


def measure(
    cmd: Sequence[str],
    env: dict[str, str],
    runs: int,
    timeout: float = 600.0,
    setup: Callable[[], None] | None = None,
    warmup: bool = True,
) -> Timing:
    """One command's timing (see ``Job``)."""
    return measure_interleaved([Job(cmd, env, runs, timeout, setup, warmup)])[0]


@dataclass
class Row:
    name: str
    size: str
    timing: Timing | None  # None: not available
    budget: float | None = None  # seconds
    note: str = ""
    check: tuple[str, str, bool] | None = None  # a row that is not a time: (value, budget, met)

    @property
    def missed(self) -> list[str]:
        if self.check is not None:
            return [] if self.check[2] else ["budget"]
        t = self.timing
        if t is None:
            return []
        out = []
        if self.budget is not None and (t.median is None or t.median >= self.budget):
            out.append("time")
        if t.rss_mb >= MEMORY_BUDGET_MB:
            out.append("memory")
        return out

    def cells(self) -> list[str]:
        t = self.timing
        if self.check is not None:
            value, budget, met = self.check
            return [self.name, self.size, value, budget, "", "ok" if met else "MISSED"]
        if t is None:
            return [self.name, self.size, f"n/a ({self.note or 'not available'})", "", "", ""]
        budget = f"< {fmt_seconds(self.budget)}" if self.budget is not None else "(info)"
        verdict = ("MISSED " + "+".join(self.missed)) if self.missed else ("ok" if self.budget is not None else "")
        return [self.name, self.size, t.label(), budget, f"{t.rss_mb:.0f} MB", verdict]


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    line = lambda r: "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) + " |"  # noqa: E731
    return "\n".join([line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])


def parse_size(text: str) -> int:
    """``"10k"`` -> 10000, ``"3M"`` -> 3000000."""
    text = text.strip().lower()
    scale = {"k": 1000, "m": 1_000_000}.get(text[-1:])
    return int(float(text[:-1]) * scale) if scale else int(text)


def size_label(n: int) -> str:
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def isolated_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of every measured child: its own HOME and XDG dirs, no readlist settings from outside.

    PYTHONDONTWRITEBYTECODE is dropped: an installed readlist has its .pyc files, and recompiling ~50 modules
    costs every command ~20 ms that no user pays (the first, warm-up run writes them).
    """
    drop = ("READLIST_", "XDG_", "PAPIS", "PUBS", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    for sub in ("config", "cache", "data"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    env |= {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_DATA_HOME": str(home / "data"),
        "READLIST_CONFIG": str(home / "no-config.toml"),
        "READLIST_CACHE": str(home / "cache" / "readlist-http.sqlite"),
        **extra,
    }
    return env


def exporters_available() -> bool:
    init = REPO / "readlist" / "export" / "__init__.py"
    return init.is_file() and "def get_exporter" in init.read_text(encoding="utf-8")


def remove_library(path: Path) -> None:
    for p in path.parent.glob(path.name + "*"):
        p.unlink()


def install_readlist(work: Path, rev: str | None = None) -> str:
    """Install this checkout (or its commit ``rev``) into its own virtualenv, as ``pip install`` gives it to users,
    and return the command.

    The development ``.venv`` has an editable install, whose import hook adds start-up time to every command that
    an installed copy does not pay.
    """
    source, venv = REPO, work / "readlist-venv"
    if rev is not None:
        source, venv = work / f"readlist-{rev}", work / f"readlist-{rev}-venv"
        if not source.exists():
            source.mkdir(parents=True)
            archive = subprocess.run(["git", "-C", str(REPO), "archive", rev], capture_output=True, check=True)
            subprocess.run(["tar", "-x", "-C", str(source)], input=archive.stdout, check=True)
    exe = venv / "bin" / "readlist"
    print(f"installing readlist from {source} into {venv} ...", flush=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    steps = [[sys.executable, "-m", "venv", str(venv)]] if not exe.exists() else []
    steps += [[*pip, "--force-reinstall", "--no-deps", str(source)], [*pip, str(source)]]  # the code, then its deps
    for cmd in steps:
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"bench: {' '.join(cmd[:5])} ... failed:\n{done.stderr.strip()}")
    return str(exe)


class Bench:
    def __init__(self, work: Path, runs: int, real_intervals: bool = True, baseline: str | None = None) -> None:
        self.work, self.runs, self.real_intervals = work, runs, real_intervals
        self.env = isolated_env(work / "home")
        self.exe = install_readlist(work)
        self.baseline = (baseline, install_readlist(work, baseline)) if baseline else None  # (commit, command)
        self.rows: list[Row] = []
        self.notes: list[str] = []

    def rl(self, library: Path, *args: str) -> list[str]:
        return [self.exe, "--library", str(library), *args]

    def bib(self, n: int) -> tuple[Path, str]:
        path = self.work / f"synth-{size_label(n)}.bib"
        probe_file = path.with_suffix(".probe")
        if not path.exists() or not probe_file.exists():
            probe_file.write_text(write_bib(path, n))
        return path, probe_file.read_text()

    def add(
        self, name: str, size: str, timing: Timing | None, budget: float | None = None, note: str = "",
        check: tuple[str, str, bool] | None = None,
    ) -> Row:  # fmt: skip
        row = Row(name, size, timing, budget, note, check)
        self.rows.append(row)
        print("  " + " | ".join(c for c in row.cells() if c), flush=True)
        return row

    def startup(self) -> None:
        empty = self.work / "empty.sqlite"
        remove_library(empty)
        self.add("readlist --help", "-", measure([self.exe, "--help"], self.env, self.runs), 0.150)
        self.add("list (empty library)", "0", measure(self.rl(empty, "list"), self.env, self.runs), 0.150)
        pages = sorted(str(p) for p in SEEDS.glob("*.txt"))
        if not pages:
            self.add("add 5 seed pages --no-resolve", "5 pages", None, note=f"no seed pages in {SEEDS}")
            return
        lib = self.work / "seeds.sqlite"
        cmd = self.rl(lib, "add", "--no-resolve", *pages)
        self.add(
            "add 5 seed pages --no-resolve",
            "5 pages",
            measure(cmd, self.env, self.runs, 60, lambda: remove_library(lib)),
            1.0,
        )

    def library(self, n: int) -> tuple[Path, Path, str]:
        """The library of ``n`` synthetic papers, made by `readlist import` of its .bib (a measured row up to 10k),
        its .bib and its probe key."""
        bib, probe = self.bib(n)
        lib = self.work / f"lib-{size_label(n)}.sqlite"
        size = size_label(n)
        cmd = self.rl(lib, "import", str(bib))
        if n <= IMPORT_ROW_UP_TO:
            timing = measure(cmd, self.env, min(self.runs, 3), 900, lambda: remove_library(lib))
            self.add("import .bib", size, timing, 5.0)
        else:
            timing = measure(cmd, self.env, 1, 1800, lambda: remove_library(lib))
            self.notes.append(f"{size} library made by `readlist import` in {timing.label()}, peak RSS "
                              f"{timing.rss_mb:.0f} MB (no budget at this size)")  # fmt: skip
        return lib, bib, probe

    def size_rows(self, n: int) -> None:
        lib, _, probe = self.library(n)
        size = size_label(n)
        env, runs = self.env, self.runs
        for fmt in ("bibtex", "markdown"):  # the first export renders every entry (later ones stream stored text)
            first = measure(self.rl(lib, "export", "--format", fmt), env, 1, 900, warmup=False)
            self.add(f"export --format {fmt}, first", size, first, note="renders and stores every entry; no budget")
        for name, args, budget in (
            ("list --state unread", ["list", "--state", "unread"], 0.300),
            (f"list --tag {PROBE_TAG}", ["list", "--tag", PROBE_TAG], 0.300),
            (f"list --search {PROBE_WORD}", ["list", "--search", PROBE_WORD], 0.300),
            ("show KEY", ["show", probe], 0.100),
            ("read KEY", ["read", probe], 0.150),
            ("note KEY text", ["note", probe, "benchmark note"], 0.150),
        ):
            self.add(name, size, measure(self.rl(lib, *args), env, runs), budget)
        for fmt, budget in (("bibtex", 5.0), ("markdown", 3.0)):
            name = f"export --format {fmt}, again"
            if exporters_available():
                self.add(name, size, measure(self.rl(lib, "export", "--format", fmt), env, min(runs, 3), 300), budget)
            else:
                self.add(name, size, None, note="not available")

    def resolution(self) -> None:
        """Resolution of the seed pages against the fake arXiv/S2 server (tests/fakeserver) serving the recorded
        corpus (tests/fixtures/corpus: every seed paper found on arXiv, no stand-ins); the real request intervals
        unless --quick (the cold run then takes seconds instead of minutes; the checks are the same)."""
        size = "seed pages"
        if not (REPO / "tests" / "fakeserver" / "server.py").exists() or not SEEDS.is_dir():
            self.add("resolve seed pages", size, None, note="tests/fakeserver or the seed pages missing")
            return
        sys.path.insert(0, str(REPO))
        from tests.fakeserver import FakeServer
        from tests.fakeserver.corpus import corpus_records

        records = corpus_records()
        seeds = sum(r.get("kind") == "seed" for r in records)
        self.notes.append(
            f"resolution: the fake server holds the recorded corpus, {seeds} seed papers and "
            f"{len(records) - seeds} distractors (tests/fixtures/corpus), no synthetic stand-ins"
        )
        pages = sorted(str(p) for p in SEEDS.glob("*.txt"))
        lib, cache = self.work / "resolve.sqlite", self.work / "resolve-cache.sqlite"
        with FakeServer(records) as server:
            env = self.env | {
                "READLIST_ARXIV_URL": server.arxiv_url,
                "READLIST_S2_URL": server.s2_url,
                "READLIST_CACHE": str(cache),
            }
            if not self.real_intervals:
                env |= {"READLIST_ARXIV_INTERVAL": "0.05", "READLIST_S2_INTERVAL": "0.05"}
            remove_library(cache)
            cold = measure(self.rl(lib, "add", *pages), env, 1, 900, lambda: remove_library(lib))
            log = server.requests()
            papers = _count_papers(self.rl(lib, "stats"), env)
            label = "" if self.real_intervals else ", 0.05 s intervals"
            self.add(f"add seed pages, cold cache{label}", size, cold)
            if cold.median is None:
                return
            per = len(log) / max(papers, 1)
            value = f"{len(log)} for {papers} papers ({per:.3f} per paper)"
            self.add("requests (cold)", size, None, check=(value, "<= 0.100 per paper", per <= 0.1))
            self.add("arXiv and S2 concurrent", size, None, check=_overlap(log))
            server.clear_log()
            warm = measure(self.rl(lib, "add", *pages), env, min(self.runs, 3), 120, lambda: remove_library(lib))
            self.add("add seed pages, warm cache", size, warm, 2.0)
            n = len(server.requests())
            self.add("requests (warm)", size, None, check=(str(n), "0", n == 0))


def _count_papers(cmd: list[str], env: dict[str, str]) -> int:
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    return int(out.split()[0])


def _overlap(log: Sequence[object]) -> tuple[str, str, bool]:
    """Whether requests to the two hosts were in flight at the same time (one host's requests during the other's)."""
    times = {s: [r.time for r in log if r.service == s] for s in ("arxiv", "s2")}  # type: ignore[attr-defined]
    if not times["arxiv"] or not times["s2"]:
        return f"arXiv {len(times['arxiv'])}, S2 {len(times['s2'])} requests", "both hosts, overlapping", False
    a0, a1, s0, s1 = min(times["arxiv"]), max(times["arxiv"]), min(times["s2"]), max(times["s2"])
    shared = max(0.0, min(a1, s1) - max(a0, s0))
    span = max(a1, s1) - min(a0, s0)
    return f"{shared:.1f} s of {span:.1f} s overlap", "hosts in parallel", shared > 0


def machine() -> str:
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    mem_kb = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
    return (
        f"{platform.node() or 'host'}: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), "
        f"{mem_kb / 2**20:.1f} GiB RAM, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}, "
        f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="1k only, 3 runs, no side by side, short resolution intervals"
    )
    parser.add_argument("--sizes", help="library sizes, e.g. 1k,10k,100k (default: 1k,10k,100k)")
    parser.add_argument("--compare-sizes", help="sizes for pubs/papis side by side (default: 1k,10k)")
    parser.add_argument("--no-compare", action="store_true", help="skip pubs/papis")
    parser.add_argument(
        "--baseline", metavar="REV", help="also run readlist at this commit in the side by side (before/after)"
    )
    parser.add_argument("--runs", type=int, help="runs per figure (default 5, --quick 3)")
    parser.add_argument("--work", type=Path, help="keep generated files here (default: a temporary dir)")
    parser.add_argument("--report", type=Path, help="also write the tables as Markdown to this file")
    args = parser.parse_args()
    sizes = [parse_size(s) for s in (args.sizes or ("1k" if args.quick else "1k,10k,100k")).split(",")]
    compare_sizes = (
        [] if args.no_compare or args.quick else [parse_size(s) for s in (args.compare_sizes or "1k,10k").split(",")]
    )
    runs = args.runs or (3 if args.quick else 5)
    tmp = None if args.work else tempfile.TemporaryDirectory(prefix="readlist-bench-")
    work = args.work or Path(tmp.name)  # type: ignore[union-attr]
    work.mkdir(parents=True, exist_ok=True)
    print(machine(), flush=True)
    bench = Bench(work, runs, real_intervals=not args.quick, baseline=args.baseline if compare_sizes else None)
    try:
        print("budgets:", flush=True)
        bench.startup()
        for n in sizes:
            bench.size_rows(n)
        bench.resolution()
        compare = None
        if compare_sizes:
            from compare import compare_rows  # it imports this module's helpers

            compare = compare_rows(work, compare_sizes, bench, runs)
    finally:
        if tmp is not None:
            tmp.cleanup()
    budget_table = table(["row", "size", "median", "budget", "peak RSS", "result"], [r.cells() for r in bench.rows])
    missed = [r for r in bench.rows if r.missed]
    out = [f"Machine: {machine()}", "", budget_table, ""]
    out += [f"- {n}" for n in bench.notes]
    if compare is not None:
        out += ["", compare.text]
    out.append("")
    out.append(
        f"{len(missed)} budget(s) missed" + (": " + "; ".join(f"{r.name} @ {r.size}" for r in missed) if missed else "")
    )
    if compare is not None and compare.failures:
        out.append(f"side-by-side targets missed: {', '.join(compare.failures)}")
    text = "\n".join(out)
    print("\n" + text)
    if args.report:
        args.report.write_text(text + "\n", encoding="utf-8")
    return 1 if missed or (compare is not None and compare.failures) else 0


if __name__ == "__main__":
    sys.exit(main())
