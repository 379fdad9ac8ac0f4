"""kill -9 at random moments, at least 20 times each: `readlist resolve`, a large `readlist import`, `readlist export`;
and Ctrl-C at random moments of `readlist add`.

Run: ``.venv/bin/python benchmarks/bench_crash.py [--runs 20] [--size 5000] [--seed 1]`` (about 3 minutes)

- resolve: the five seed pages stored pending (`add --no-resolve`) beside a page resolved earlier (matched papers
  and a note), resolved against the fake arXiv/S2 server (in-process, serving the recorded corpus, request
  intervals 0.1 s) and killed 0.5-4.5 s in. In cycles of 2 runs, each on a fresh library and cache, so each cycle
  has work left to kill. Matched papers must stay matched, and the run after the kills must leave none pending.
- import: a synthetic .bib of ``--size`` papers (benchmarks/synth.py) into a library holding one page and a note,
  killed at random over the length of one import; the library holds all of it or none of it after every run.
- export: BibTeX of that library, with and without abstracts in turn (so every run renders every paper), to a
  file holding an older export, killed at random over the length of one export; the file must be the old one or
  the complete new one, byte for byte.

- Ctrl-C: `readlist add` of the five seed pages on a fresh library, against the same server (intervals 0.1 s),
  interrupted with SIGINT at a random moment within the length of one uninterrupted run. Every parsed entry must
  be kept (the library holds as many papers and sources as the uninterrupted run's), and the program must exit
  within 2 s of the signal with its one line (how many papers are pending; `readlist resolve` continues).

After every kill the library and the HTTP cache pass ``PRAGMA integrity_check`` and nothing committed is missing
(entries, notes, matches). Prints one line per loop; exits 1 when anything was lost or damaged. The loops are the
ones tests/test_reliability.py and the stories (tests/scenarios) run a few times in CI (tests/crash.py). See
docs/reliability.md.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "benchmarks"), str(REPO)]
from synth import write_bib  # noqa: E402

from tests.cli import isolated_env  # noqa: E402
from tests.crash import (  # noqa: E402
    Figures,
    InterruptFigures,
    Snapshot,
    crash_loop,
    export_crash_loop,
    holds,
    interrupt_loop,
    none_pending,
    run_readlist,
)
from tests.fakeserver import FakeServer  # noqa: E402
from tests.fakeserver.corpus import corpus_records  # noqa: E402
from tests.paths import seed, seed_pages  # noqa: E402

RESOLVE_CYCLE = 2  # runs per fresh library and cache in the resolve loop (later runs find most answers cached)
INTERRUPT_LIMIT = 2.0  # seconds from Ctrl-C to the exit of `readlist add`


def prepared(work: Path, env: dict[str, str], pages: list[Path], resolved: Path) -> None:
    """A library with ``resolved`` matched (and a note on one of its papers) and ``pages`` stored pending."""
    log = work / "setup.log"
    run_readlist(env, ["add", str(resolved)], log)
    (key, _), *_ = sorted(Snapshot.of(Path(env["READLIST_LIBRARY"])).matched)
    run_readlist(env, ["note", key, "written before the kills"], log)
    run_readlist(env, ["add", "--no-resolve", *map(str, pages)], log)


def resolve_loop(work: Path, server: FakeServer, runs: int, rng: random.Random) -> Figures:
    pages = seed_pages()
    total = Figures(rerun_ok=True)
    for cycle in range((runs + RESOLVE_CYCLE - 1) // RESOLVE_CYCLE):
        home = work / f"resolve-{cycle}"
        home.mkdir()
        env = {
            **os.environ,
            **isolated_env(
                home, READLIST_ARXIV_URL=server.arxiv_url, READLIST_S2_URL=server.s2_url,
                READLIST_ARXIV_INTERVAL="0.1", READLIST_S2_INTERVAL="0.1",
            ),
        }  # fmt: skip
        prepared(home, env, [p for p in pages if p != seed("003")], seed("003"))
        figures = crash_loop(env, ["resolve"], RESOLVE_CYCLE, rng, (0.5, 4.5), finished=none_pending)
        for name in ("runs", "kills", "integrity_ok", "lost"):
            setattr(total, name, getattr(total, name) + getattr(figures, name))
        total.problems += figures.problems
        total.rerun_ok = total.rerun_ok and figures.rerun_ok
    return total


def ctrl_c_loop(work: Path, server: FakeServer, runs: int, rng: random.Random) -> InterruptFigures:
    home = work / "ctrl-c"
    home.mkdir()
    env = {
        **os.environ,
        **isolated_env(
            home, READLIST_ARXIV_URL=server.arxiv_url, READLIST_S2_URL=server.s2_url,
            READLIST_ARXIV_INTERVAL="0.1", READLIST_S2_INTERVAL="0.1",
        ),
    }  # fmt: skip
    return interrupt_loop(env, [str(p) for p in seed_pages()], runs, rng, limit=INTERRUPT_LIMIT)


def timed(env: dict[str, str], args: list[str]) -> float:
    started = time.perf_counter()
    run_readlist(env, args, Path(env["READLIST_LIBRARY"]).with_name("timed.log"))
    return time.perf_counter() - started


def import_and_export_loops(work: Path, size: int, runs: int, rng: random.Random) -> tuple[Figures, Figures, int]:
    """The import loop, then the export loop on the imported library; also the temporary files kills left."""
    home = work / "import"
    home.mkdir()
    env = {**os.environ, **isolated_env(home)}
    bib = home / "synthetic.bib"
    write_bib(bib, size)
    log = home / "setup.log"
    run_readlist(env, ["add", "--no-resolve", str(seed("003"))], log)
    before = len(Snapshot.of(Path(env["READLIST_LIBRARY"])).keys)
    run_readlist(env, ["note", sorted(Snapshot.of(Path(env["READLIST_LIBRARY"])).keys)[0], "before the kills"], log)
    target = home / "reading-list.bib"
    run_readlist(env, ["export", "--format", "bibtex", "-o", str(target)], log)  # the old export

    probe = work / "probe"
    probe.mkdir()
    probe_env = {**os.environ, **isolated_env(probe)}
    # Kills land within the shorter of a first run and a repeated one: once a run completes, later imports only
    # merge and later exports stream stored entries, both faster, and a window as long as the first run would let
    # many of them finish before their kill.
    import_s = min(timed(probe_env, ["import", str(bib)]) for _ in range(2))
    export = ["export", "--format", "bibtex", "-o", str(probe / "out.bib")]
    export_s = min(timed(probe_env, args) for args in (export, export, [*export, "--no-abstract"]))

    imported = crash_loop(
        env, ["import", str(bib)], runs, rng, (0.1, 0.9 * import_s),
        check=lambda _, after: holds(before, before + size)(after), finished=holds(before + size),
    )  # fmt: skip
    export = ["export", "--format", "bibtex", "-o", str(target)]
    exported = export_crash_loop(env, [export, [*export, "--no-abstract"]], target, runs, rng, (0.05, 0.9 * export_s))
    leftovers = len(list(home.glob(f".{target.name}.*.tmp")))
    return imported, exported, leftovers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs", type=int, default=20, help="runs per loop, each killed at a random moment (default 20)"
    )
    parser.add_argument("--size", type=int, default=5000, help="papers in the imported .bib (default 5000)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    records = corpus_records()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, FakeServer(records) as server:
        work = Path(tmp)
        resolved = resolve_loop(work, server, args.runs, rng)
        print(resolved.line("resolve (5 seed pages)"), flush=True)
        imported, exported, leftovers = import_and_export_loops(work, args.size, args.runs, rng)
        print(imported.line(f"import ({args.size} papers)"))
        print(exported.line(f"export (BibTeX, {args.size} papers)") + f"; temporary files left by kills: {leftovers}")
        interrupted = ctrl_c_loop(work, server, args.runs, rng)
        print(interrupted.line("Ctrl-C during add (5 seed pages)", INTERRUPT_LIMIT), flush=True)
    loops = (resolved, imported, exported)
    runs, kills = sum(f.runs for f in loops), sum(f.kills for f in loops)
    ok = sum(f.integrity_ok for f in loops)
    print(f"total: {runs} runs, {kills} killed, integrity ok after {ok}/{runs}, papers lost "
          f"{sum(f.lost for f in loops)}, every rerun completes: {all(f.rerun_ok for f in loops)} "
          f"({time.perf_counter() - started:.0f} s)")  # fmt: skip
    for problem in [p for f in loops for p in f.problems] + interrupted.problems:
        print(f"  problem: {problem}")
    return 0 if all(f.rerun_ok and not f.problems for f in loops) and not interrupted.problems else 1


if __name__ == "__main__":
    sys.exit(main())
