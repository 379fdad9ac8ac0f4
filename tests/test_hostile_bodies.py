"""Hostile answers from the network, through the real CLI: entity bombs, external entities and oversized bodies are
refused in one line, cost little memory, leave entries pending, and are not cached (a later run resolves them)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from readlist.resolve.http import MAX_BODY_BYTES
from tests.cli import Cli, Result
from tests.fakeserver import FakeServer
from tests.paths import seed

RSS_LIMIT_MB = 150  # a clean `readlist add` of one page peaks near 45 MB; the body cap adds at most ~2 x 20 MiB


# A forked child's ru_maxrss starts at its parent's resident size (the pages it shares copy-on-write), so readlist
# is started from this small launcher rather than from pytest, whose own size would be counted.
LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    f.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_measured(cli: Cli, *args: str) -> tuple[Result, float]:
    """Run readlist in a subprocess; its result and its peak resident memory in MB (``ru_maxrss`` via wait4)."""
    with tempfile.TemporaryDirectory() as tmp:
        rss = Path(tmp) / "rss"
        proc = subprocess.run(
            [sys.executable, "-c", LAUNCHER, str(rss), sys.executable, "-m", "readlist", *args],
            env=cli.proc_env, capture_output=True, encoding="utf-8", stdin=subprocess.DEVNULL,
        )  # fmt: skip
        return Result(proc.returncode, proc.stdout, proc.stderr), int(rss.read_text()) / 1024


@pytest.mark.parametrize(
    "kind, reason",
    [
        ("billion-laughs", "arXiv answered XML with forbidden constructs"),
        ("xxe", "arXiv answered XML with forbidden constructs"),
        ("huge", f"exceeds the {MAX_BODY_BYTES}"),  # declared in Content-Length: never downloaded
        ("huge-chunked", f"exceeds the {MAX_BODY_BYTES}"),  # 256 MiB, no length: cut off at the cap
        ("gzip-bomb", f"exceeds the {MAX_BODY_BYTES}"),  # 250 KB inflating to 256 MiB: cut off at the cap
    ],
)
def test_hostile_body_is_refused_in_one_line_with_little_memory(
    tmp_path: Path, fake_server: FakeServer, kind: str, reason: str
) -> None:
    cli = Cli(tmp_path, READLIST_ARXIV_URL=fake_server.arxiv_url, READLIST_S2_URL=fake_server.s2_url)
    fake_server.faults.set(rate=1.0, kinds=[kind], service="arxiv")
    res, rss_mb = run_measured(cli, "--verbose", "add", str(seed("003")))
    assert res.exit_code == 0 and "Traceback" not in res.stderr
    left = [line.strip() for line in res.stderr.splitlines() if " pending: " in line]
    assert len(left) == 1 and left[0].startswith("42 pending: bad answer: arXiv: ") and reason in left[0], res.stderr
    assert rss_mb < RSS_LIMIT_MB
    papers = json.loads(cli("list", "--json").stdout)
    assert len(papers) == 42 and {p["status"] for p in papers} == {"pending"}

    fake_server.faults.reset()
    res, _ = run_measured(cli, "resolve")
    assert res.exit_code == 0, res.stderr
    assert "pending" not in {p["status"] for p in json.loads(cli("list", "--json").stdout)}
