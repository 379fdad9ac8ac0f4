#!/usr/bin/env bash
# The main job: install readlist, add the five seed pages, resolve them, and write
# exports/reading-list.bib and exports/reading-list.md (abstracts left out of committed exports).
#
# With no network (as on the CI machines), resolution runs against the recorded corpus in
# tests/fixtures/corpus served by the local fake arXiv + Semantic Scholar server; papers the
# corpus does not hold stay pending, and exports/README.md lists them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
SEEDS=${READLIST_SEEDS:-../shared/seeds}
WORK=$(mktemp -d)
trap 'kill "${SERVER_PID:-}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
export READLIST_LIBRARY="$WORK/library.sqlite" READLIST_CACHE="$WORK/cache.sqlite" READLIST_CONFIG="$WORK/none.toml"

if [ -z "${READLIST_ONLINE:-}" ]; then
  PORT=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  .venv/bin/python -m tests.fakeserver --port "$PORT" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  BASE="http://127.0.0.1:$PORT"
  for _ in $(seq 100); do
    .venv/bin/python -c "import urllib.request as u; u.urlopen('$BASE/api/query?id_list=0000.0000', timeout=1)" \
      2>/dev/null && break
    sleep 0.1
  done
  export READLIST_ARXIV_URL="$BASE/api/query" READLIST_S2_URL="$BASE/graph/v1"
  export READLIST_INDEX="$WORK/no-index.sqlite"  # the recorded corpus only, not a local arXiv index the user built
  export READLIST_ARXIV_INTERVAL=${READLIST_ARXIV_INTERVAL:-0.05} READLIST_S2_INTERVAL=${READLIST_S2_INTERVAL:-0.05}
  MODE="the recorded corpus (tests/fixtures/corpus) served locally by tests/fakeserver"
else
  MODE="the live arXiv and Semantic Scholar APIs"
fi

.venv/bin/readlist add "$SEEDS"/*.txt
mkdir -p exports
.venv/bin/readlist export --format bibtex --no-abstract -o exports/reading-list.bib
.venv/bin/readlist export --format markdown --no-abstract -o exports/reading-list.md
.venv/bin/python scripts/exports_readme.py "$MODE" > exports/README.md
.venv/bin/readlist stats
