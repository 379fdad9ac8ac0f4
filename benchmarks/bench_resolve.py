"""Resolution of the five seed pages against the local fake arXiv + S2 server, with real politeness.

Run: .venv/bin/python benchmarks/bench_resolve.py [--arxiv-interval 3] [--s2-interval 1]
Prints the request count (budget: at most one request per 10 papers), cache hits and wall time,
then repeats the run on a fresh library with the warm cache (budget: zero requests, under 2 s).
Exits non-zero when a budget is missed.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEEDS = Path(os.environ.get("READLIST_SHARED") or REPO.parent / "shared") / "seeds"
SUMMARY = re.compile(r"added (\d+) new paper.*?(\d+) request\(s\), (\d+) cache hit\(s\)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(fill: bool) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakeserver", "--port", str(port), *(["--fill-seeds"] if fill else [])], cwd=REPO,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/api/query?id_list=0000.0000", timeout=1)
            return proc, base
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the fake server did not start")


def run_add(env: dict[str, str]) -> tuple[int, int, int, float]:
    pages = [str(p) for p in sorted(SEEDS.glob("*.txt"))]
    start = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "readlist", "add", *pages], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    m = SUMMARY.search(res.stdout)
    if res.returncode != 0 or not m:
        raise SystemExit(f"readlist add failed:\n{res.stdout}\n{res.stderr}")
    return int(m.group(1)), int(m.group(2)), int(m.group(3)), elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arxiv-interval", default="3")
    parser.add_argument("--s2-interval", default="1")
    parser.add_argument(
        "--recorded-only", action="store_true",
        help="serve only the recorded corpus (most seed papers then look absent from arXiv, each costing an S2 "
        "title match); by default every seed paper the corpus lacks gets a synthetic arXiv record, as on the real API",
    )  # fmt: skip
    args = parser.parse_args()
    server, base = start_server(fill=not args.recorded_only)
    ok = True
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = {
                **os.environ, "READLIST_ARXIV_URL": f"{base}/api/query", "READLIST_S2_URL": f"{base}/graph/v1",
                "READLIST_ARXIV_INTERVAL": args.arxiv_interval, "READLIST_S2_INTERVAL": args.s2_interval,
                "READLIST_CACHE": f"{tmp}/cache.sqlite", "READLIST_CONFIG": f"{tmp}/none.toml",
            }  # fmt: skip
            papers, requests, hits, elapsed = run_add({**env, "READLIST_LIBRARY": f"{tmp}/cold.sqlite"})
            per = requests / papers if papers else 0.0
            ok &= per <= 0.1
            print(f"cold: {papers} papers, {requests} requests ({per:.3f} per paper; budget <= 0.100), "
                  f"{hits} cache hits, {elapsed:.1f} s wall (arXiv every {args.arxiv_interval} s, "
                  f"S2 every {args.s2_interval} s)")  # fmt: skip
            papers, requests, hits, elapsed = run_add({**env, "READLIST_LIBRARY": f"{tmp}/warm.sqlite"})
            ok &= requests == 0 and elapsed < 2.0
            print(f"warm: {papers} papers, {requests} requests (budget 0), {hits} cache hits, "
                  f"{elapsed:.2f} s wall (budget < 2 s)")  # fmt: skip
    finally:
        server.kill()
    print("budgets: " + ("ok" if ok else "MISSED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
