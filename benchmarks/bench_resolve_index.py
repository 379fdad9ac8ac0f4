"""Resolving the five seed pages against a local arXiv index of millions of records: `readlist --offline add` of
the pages (603 entries) into a fresh library, as a researcher runs it, then the same online against the fake server.

The index holds the seeded synthetic snapshot of ``--records`` records (benchmarks/snapshot.py) with the recorded
corpus's arXiv papers mixed in, in the snapshot schema (tests/snapshots.py: the seed pages' abstracts, read at run
time); it is built once into ``--work`` and reused. ``--snapshot FILE`` uses an existing synthetic snapshot.

The same pages are then added online with the index, and online without one (arXiv and Semantic Scholar only, the
fake server with no request intervals): requests, and how many of the seed papers renamed on arXiv since their page
was written each finds (the index also searches abstracts).

Run: ``nice -n 10 .venv/bin/python benchmarks/bench_resolve_index.py --work /tmp/readlist-bench`` (3M records: about
half an hour to write the snapshot and 11 min to build the index, the first time; seconds after). Budget (issue 18):
offline, the whole command within 5 s wall with 0 HTTP requests (the fake server counts what reaches it). Exits 1
when the budget is missed. Results: docs/performance.md, "Resolving against the index".
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.fakeserver, tests.snapshots
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import fmt_seconds, isolated_env, machine, parse_size, size_label, table
from bench_index import snapshot

from tests.fakeserver import FakeServer
from tests.fakeserver.corpus import corpus_records as corpus_facts
from tests.paths import seed_pages
from tests.snapshots import corpus_records, write_snapshot

BUDGET_SECONDS = 5.0
READLIST = str(Path(sys.executable).with_name("readlist"))
RESOLUTION = re.compile(r"^resolution: (?P<statuses>.*) \((?P<requests>\d+) requests?, (?P<hits>\d+) from the cache\)$")


def mixed_index(work: Path, synthetic: Path) -> Path:
    """The index of ``synthetic`` followed by the corpus's records (built once: kept in ``work``)."""
    index = work / f"index-{synthetic.stem}-with-corpus.sqlite"
    if index.exists():
        return index
    corpus = write_snapshot(work / "corpus-snapshot.json", corpus_records())
    print(f"building {index} from {synthetic.name} + {corpus.name} ...", flush=True)
    start = time.perf_counter()
    env = {**os.environ, "READLIST_INDEX": str(index)}
    with subprocess.Popen(["cat", str(synthetic), str(corpus)], stdout=subprocess.PIPE) as cat:
        subprocess.run([READLIST, "index", "build", "-"], stdin=cat.stdout, env=env, check=True)
    print(f"  built in {fmt_seconds(time.perf_counter() - start)}", flush=True)
    return index


def add_pages(home: Path, env: dict[str, str], offline: bool) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MB, the resolution line) of `readlist [--offline] add` of the seed pages."""
    args = [READLIST, *(["--offline"] if offline else []), "add", *map(str, seed_pages())]
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(args, env=env, cwd=home, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        err = proc.stderr.read().decode() if proc.stderr else ""
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"readlist add failed: {err.strip().splitlines()[-1:]}")
        out.seek(0)
        lines = out.read().decode().splitlines()
    (line,) = [x for x in lines if RESOLUTION.match(x)]
    return wall, usage.ru_maxrss / 1024, line


def renamed_found(env: dict[str, str]) -> str:
    """How many seed papers renamed on arXiv since their page (the corpus's ``title_v1``) the library matched."""
    renamed = {p["arxiv_id"] for p in corpus_facts() if p.get("title_v1") and p.get("arxiv_id") and p.get("seed_title")}
    listed = subprocess.run([READLIST, "list", "--json"], env=env, capture_output=True, text=True, check=True).stdout
    matched = {p["arxiv_id"] for p in json.loads(listed) if p["status"] == "matched"}
    return f"{len(renamed & matched)} of {len(renamed)}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", default="3M", help="synthetic records in the index (default 3M)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--snapshot", type=Path, help="an existing synthetic snapshot (else written into --work)")
    parser.add_argument("--work", type=Path, help="keep the snapshot and the index here (default: a temporary dir)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="readlist-bench-") as scratch:
        work = args.work or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        synthetic = args.snapshot or snapshot(work, parse_size(args.records), args.seed)
        index = mixed_index(work, synthetic)
        print(machine())
        print(f"index: {index} ({index.stat().st_size / 1e9:.2f} GB), from {synthetic.name} + the recorded corpus")
        rows, ok = [], True
        with FakeServer() as server:
            modes = (
                ("offline, index", index, True),
                ("online, index", index, False),
                ("online, no index", None, False),
            )
            for mode, used, offline in modes:
                home = Path(tempfile.mkdtemp(dir=scratch))
                env = isolated_env(
                    home, READLIST_INDEX=str(used or home / "no-index.sqlite"),
                    READLIST_LIBRARY=str(home / "library.sqlite"), READLIST_ARXIV_URL=server.arxiv_url,
                    READLIST_S2_URL=server.s2_url, READLIST_ARXIV_INTERVAL="0", READLIST_S2_INTERVAL="0",
                )  # fmt: skip
                before = len(server.requests())
                wall, rss, line = add_pages(home, env, offline)
                reached = len(server.requests()) - before
                within = wall <= BUDGET_SECONDS and reached == 0
                ok &= within or not offline
                budget = f"{'ok' if within else 'MISSED'} (<= {BUDGET_SECONDS:.0f} s, 0 requests)" if offline else "-"
                rows.append(
                    [mode, fmt_seconds(wall), f"{rss:.0f} MB", str(reached), line.removeprefix("resolution: "),
                     renamed_found(env), budget]
                )  # fmt: skip
        size = size_label(parse_size(args.records))
        print(f"`readlist add` of the seed pages ({len(seed_pages())} files) against {size} records + the corpus:")
        headers = ["mode", "wall", "peak RSS", "requests reaching the server", "resolution", "renamed found", "budget"]
        print(table(headers, rows))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
