"""Hostile answers from the network, through the real CLI: entity bombs, external entities and oversized bodies are
refused in one line, cost little memory, leave entries pending, and are not cached (a later run resolves them)."""

from __future__ import annotations

import json
import os
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


def run_measured(cli: Cli, *args: str) -> tuple[Result, float]:
    """Run readlist in a subprocess; its result and its peak resident memory in MB (``ru_maxrss`` via wait4)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "readlist", *args], env={**os.environ, **cli.env}, stdout=out, stderr=err,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
        _, status, usage = os.wait4(proc.pid, 0)
        out.seek(0), err.seek(0)
        return Result(os.waitstatus_to_exitcode(status), out.read(), err.read()), usage.ru_maxrss / 1024


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
    left = [line.strip() for line in res.stderr.splitlines() if " left " in line]
    assert len(left) == 1 and left[0].startswith("42 left bad answer: arXiv: ") and reason in left[0], res.stderr
    assert rss_mb < RSS_LIMIT_MB
    papers = json.loads(cli("list", "--json").stdout)
    assert len(papers) == 42 and {p["status"] for p in papers} == {"pending"}

    fake_server.faults.reset()
    res, _ = run_measured(cli, "resolve")
    assert res.exit_code == 0, res.stderr
    assert "pending" not in {p["status"] for p in json.loads(cli("list", "--json").stdout)}
