"""Run the fake server until interrupted: ``python -m tests.fakeserver --port 8765``."""

from __future__ import annotations

import argparse
from pathlib import Path

from .server import FakeServer


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.fakeserver", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--corpus", type=Path, help="folder of corpus JSON files (default: tests/fixtures/corpus)")
    parser.add_argument("--classic", action="store_true", help="serve the pre-2025 Atom serialization")
    parser.add_argument("--api-key", help="answer 403 to requests carrying a different S2 key")
    args = parser.parse_args()
    server = FakeServer(args.corpus, classic=args.classic, api_key=args.api_key, host=args.host, port=args.port)
    print(f"fake server with {len(server.papers)} papers on {server.base_url}", flush=True)
    print(f"  READLIST_ARXIV_URL={server.arxiv_url}", flush=True)
    print(f"  READLIST_S2_URL={server.s2_url}", flush=True)
    print(f"  READLIST_OAI_URL={server.oai_url}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
