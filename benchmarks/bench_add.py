"""How long `readlist add` of the five seed pages takes with no network (budget: under 2 s).

Run: .venv/bin/python benchmarks/bench_add.py [--runs N]
Each run is a fresh process on a fresh library, timed from start to exit; the median is reported.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEEDS = Path(os.environ.get("READLIST_SHARED") or REPO.parent / "shared") / "seeds"
BUDGET_S = 2.0


def run_once(tmp: Path) -> float:
    env = {
        **os.environ,
        "READLIST_LIBRARY": str(tmp / "lib.sqlite"),
        "READLIST_CACHE": str(tmp / "cache.sqlite"),
        "READLIST_CONFIG": str(tmp / "none.toml"),
    }
    pages = [str(p) for p in sorted(SEEDS.glob("*.txt"))]
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "readlist", "add", "--no-resolve", *pages], env=env, check=True,
                   capture_output=True)  # fmt: skip
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    times = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            times.append(run_once(Path(tmp)))
    median = statistics.median(times)
    ok = median < BUDGET_S
    print(f"add --no-resolve of 5 seed pages: median {median * 1000:.0f} ms over {args.runs} runs "
          f"(min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms); budget {BUDGET_S * 1000:.0f} ms: "
          f"{'ok' if ok else 'MISSED'}")  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
