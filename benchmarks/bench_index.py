"""The local arXiv index's benchmark: `readlist index build` on seeded synthetic snapshots, queries on the index
built, and `readlist index update` harvesting 5,000 records from the fake OAI-PMH server; figures beside budgets.

Run: ``nice -n 10 .venv/bin/python benchmarks/bench_index.py`` (100k, 1M and 3M records: about an hour on two
shared cores, most of it writing the 3M snapshot and building it); ``--sizes 100k`` for a quick look; ``--work DIR``
keeps the snapshots (~1.8 KB a record) for the next run; ``--no-harvest``. The harvest goes into a copy of the
largest index built. Budgets (issue 18): the 3M build within
20 min, every build within 1 GB of peak RSS and no larger on disk than its input; the harvest of 5,000 records
within 30 s, arXiv's intervals not counted (the benchmark runs it with no interval; in real use 3 s separate each
of its 5 requests). Exits 1 when a budget is missed. Results: docs/performance.md, "Local arXiv index".
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.fakeserver
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import fmt_seconds, isolated_env, machine, parse_size, run_once, size_label, table
from snapshot import Generator, write_snapshot

BUILD_BUDGET = {3_000_000: 20 * 60.0}  # seconds, by records
RSS_BUDGET_MB = 1024.0
HARVEST_RECORDS = 5000
HARVEST_BUDGET = 30.0
SAMPLE = 300  # records whose id, title and abstract are looked up in each index


def snapshot(work: Path, n: int, seed: int) -> Path:
    """The seeded snapshot of ``n`` records, written once into ``work``."""
    path = work / f"snapshot-{size_label(n)}-seed{seed}.json"
    if not path.exists():
        start = time.perf_counter()
        print(f"writing {path} ...", flush=True)
        write_snapshot(path, n, seed)
        print(f"  {path.stat().st_size / 1e9:.2f} GB in {fmt_seconds(time.perf_counter() - start)}", flush=True)
    return path


def sample(path: Path, k: int, seed: int = 3) -> list[dict]:
    """``k`` records from random places in a snapshot file (without reading all of it)."""
    rng = random.Random(seed)
    size = path.stat().st_size
    out = []
    with path.open("rb") as f:
        while len(out) < k:
            f.seek(rng.randrange(size))
            f.readline()  # the rest of a line
            line = f.readline()
            if line.strip():
                out.append(json.loads(line))
    return out


def query_figures(index: Path, records: list[dict]) -> dict[str, str]:
    """Median milliseconds of an id lookup, a title search and an abstract search, and how often each found the
    record; a title with one word replaced too (the AND search finds nothing, the rarest words do)."""
    from readlist.index.query import ArxivIndex

    def timed(call, values, wanted) -> str:
        times, hits = [], 0
        for value, arxiv_id in zip(values, wanted, strict=True):
            start = time.perf_counter()
            found = call([value])
            times.append(time.perf_counter() - start)
            hits += arxiv_id in (found if isinstance(found, dict) else [r.arxiv_id for r in found])
        times.sort()
        return f"{1000 * times[len(times) // 2]:.2f} ms ({hits}/{len(values)} found)"

    def changed(title: str) -> str:
        words = title.split()
        words[len(words) // 2] = "quux"
        return " ".join(words)

    wanted = [r["id"] for r in records]
    with ArxivIndex(index) as idx:
        return {
            "id": timed(idx.fetch_ids, wanted, wanted),
            "title": timed(idx.search_titles, [r["title"] for r in records], wanted),
            "changed title": timed(idx.search_titles, [changed(r["title"]) for r in records], wanted),
            "abstract": timed(idx.search_abstracts, [r["abstract"] for r in records], wanted),
        }


def build_row(work: Path, n: int, seed: int) -> dict[str, object]:
    source = snapshot(work, n, seed)
    index = work / f"index-{size_label(n)}.sqlite"
    index.unlink(missing_ok=True)
    env = isolated_env(work / "home", READLIST_INDEX=str(index))
    print(f"building {index} from {source.name} ...", flush=True)
    wall, rss = run_once([sys.executable, "-m", "readlist", "index", "build", str(source)], env, timeout=4 * 3600)
    row: dict[str, object] = {
        "records": n, "input": source.stat().st_size, "index": index.stat().st_size, "seconds": wall, "rss": rss,
    }  # fmt: skip
    row.update(query_figures(index, sample(source, SAMPLE)))
    print(f"  {fmt_seconds(wall)}, peak RSS {rss:.0f} MB, {row['index'] / 1e9:.2f} GB", flush=True)  # type: ignore[operator]
    return row


def harvest_rows(work: Path, builds: list[dict[str, object]], seed: int) -> list[list[str]]:
    """`readlist index update` of HARVEST_RECORDS records (1,000 a page; 80% new papers, 20% changed ones) into a
    copy of the largest index built, in one metadata format and then the other."""
    from tests.fakeserver import FakeServer
    from tests.fakeserver.oai import Repository

    n = int(builds[-1]["records"])  # type: ignore[arg-type]
    gen = Generator(seed=seed + 1)
    changed = sample(snapshot(work, n, seed), HARVEST_RECORDS // 5, seed=5)
    fresh = [gen.record(f"2990.{i:05d}", 2029, 1) for i in range(HARVEST_RECORDS - len(changed))]
    for i, record in enumerate(fresh + changed):
        record["update_date"] = f"2030-01-{1 + i % 28:02d}"
    index = work / "harvest.sqlite"
    rows = []
    with FakeServer([]) as server:
        server.oai = Repository(fresh + changed, page_size=1000)
        env = isolated_env(
            work / "home", READLIST_INDEX=str(index), READLIST_OAI_URL=server.oai_url, READLIST_ARXIV_INTERVAL="0"
        )
        print(f"copying the {size_label(n)} index for the harvest ...", flush=True)
        shutil.copyfile(work / f"index-{size_label(n)}.sqlite", index)
        for prefix in ("arXiv", "arXivRaw"):
            server.clear_log()
            cmd = [sys.executable, "-m", "readlist", "index", "update", "--format", prefix, "--from", "2030-01-01"]
            wall, rss = run_once(cmd, env, 600)
            met = wall <= HARVEST_BUDGET and rss <= RSS_BUDGET_MB
            rows.append([
                f"harvest {HARVEST_RECORDS:,} records ({prefix}) into the {size_label(n)} index",
                f"{len(server.requests('oai'))} requests", fmt_seconds(wall), f"<= {HARVEST_BUDGET:.0f} s",
                f"{rss:.0f} MB", "ok" if met else "MISSED",
            ])  # fmt: skip
    index.unlink()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,1M,3M", help="snapshot sizes (default 100k,1M,3M)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, help="keep snapshots and indexes here (default: a temporary dir)")
    parser.add_argument("--no-harvest", action="store_true")
    args = parser.parse_args()
    tmp = None if args.work else tempfile.TemporaryDirectory(prefix="readlist-index-bench-")
    work = args.work or Path(tmp.name)  # type: ignore[union-attr]
    work.mkdir(parents=True, exist_ok=True)
    print(machine(), flush=True)
    try:
        builds = [build_row(work, parse_size(s), args.seed) for s in args.sizes.split(",")]
        harvests = [] if args.no_harvest else harvest_rows(work, builds, args.seed)
    finally:
        if tmp is not None:
            tmp.cleanup()
        shutil.rmtree(work / "home", ignore_errors=True)
    missed = []
    rows = []
    for b in builds:
        n, seconds, rss = int(b["records"]), float(b["seconds"]), float(b["rss"])  # type: ignore[arg-type]
        ratio = int(b["index"]) / int(b["input"])  # type: ignore[arg-type]
        budget = BUILD_BUDGET.get(n)
        ok = (budget is None or seconds <= budget) and rss <= RSS_BUDGET_MB and ratio <= 1.0
        missed += [] if ok else [size_label(n)]
        rows.append([
            size_label(n), f"{int(b['input']) / 1e9:.2f} GB", fmt_seconds(seconds), f"{n / seconds:,.0f}",
            f"{rss:.0f} MB", f"{int(b['index']) / 1e9:.2f} GB ({100 * ratio:.0f}%)",
            f"<= {budget / 60:.0f} min" if budget else "(info)", "ok" if ok else "MISSED",
        ])  # fmt: skip
    out = [f"Machine: {machine()}", ""]
    out.append(
        table(["records", "input", "build", "records/s", "peak RSS", "index (of input)", "budget", "result"], rows)
    )
    for prev, cur in itertools.pairwise(builds):
        scale = int(cur["records"]) / int(prev["records"])  # type: ignore[arg-type]
        grow = float(cur["seconds"]) / float(prev["seconds"])  # type: ignore[arg-type]
        out.append(f"- {size_label(int(prev['records']))} -> {size_label(int(cur['records']))}: "  # type: ignore[arg-type]
                   f"x{scale:.0f} records, x{grow:.1f} build time")  # fmt: skip
    out += ["", table(
        ["records", "id lookup", "title search", "title, a word changed", "abstract search"],
        [[size_label(int(b["records"])), b["id"], b["title"], b["changed title"], b["abstract"]] for b in builds],  # type: ignore[arg-type]
    )]  # fmt: skip
    if harvests:
        out += ["", table(["row", "requests", "wall", "budget", "peak RSS", "result"], harvests)]
        missed += [r[0] for r in harvests if r[-1] != "ok"]
    out += ["", f"{len(missed)} budget(s) missed" + (f": {', '.join(missed)}" if missed else "")]
    print("\n" + "\n".join(out))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
