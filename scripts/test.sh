#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs readlist, the LaTeX/Node tools the export
# checks use, then runs pytest. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
if [ -f scripts/install-export-tools.sh ]; then
  bash scripts/install-export-tools.sh
  export READLIST_REQUIRE_TOOLS=1   # the tools are installed: their checks must run, not skip
fi
export PYTHONDONTWRITEBYTECODE=1   # tests leave no trace in the checkout, not even __pycache__
exec .venv/bin/python -m pytest "$@"
