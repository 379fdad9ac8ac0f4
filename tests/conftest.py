"""Shared fixtures. Network: a fake arXiv + Semantic Scholar server on 127.0.0.1 and Settings pointing at it.

Tests leave no trace: the session fails when it changed the checkout (files git would show) or installed or
removed anything in the interpreter's environment.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from readlist.config import Settings
from readlist.resolve.http import Http
from readlist.sources import arxiv, semanticscholar
from tests.fakeserver import FakeServer
from tests.paths import REPO

settings.register_profile("readlist", database=None)  # no .hypothesis/ folder in the checkout
settings.load_profile("readlist")


def _traces() -> tuple[list[str], list[str]]:
    """What git shows as changed or new in the checkout, and what the environment has installed."""
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"], cwd=REPO, capture_output=True, text=True, check=False
    )
    changed = sorted(status.stdout.splitlines()) if status.returncode == 0 else []
    site = Path(sysconfig.get_paths()["purelib"])
    installed = sorted(p.name for p in site.iterdir()) if site.is_dir() else []
    return changed, installed


@pytest.fixture(scope="session", autouse=True)
def leaves_no_trace() -> Iterator[None]:
    before = _traces()
    yield
    changed, installed = _traces()
    assert changed == before[0], f"the tests changed the checkout: {sorted(set(changed) ^ set(before[0]))}"
    assert installed == before[1], f"the tests changed {sys.prefix}: {sorted(set(installed) ^ set(before[1]))}"


@pytest.fixture(scope="session")
def fake_server_session() -> Iterator[FakeServer]:
    """One server for the whole run (loading the corpus and seed pages once); use ``fake_server`` in tests."""
    with FakeServer() as server:
        yield server


@pytest.fixture
def fake_server(fake_server_session: FakeServer) -> FakeServer:
    """The shared fake server, reset for this test: no faults, empty request log, default corpus and options."""
    fake_server_session.reset()
    return fake_server_session


@pytest.fixture
def fake_settings(tmp_path: Path, fake_server: FakeServer) -> Settings:
    """Settings pointed at the fake server: no rate-limit intervals, short timeouts, cache and library in tmp_path."""
    return Settings(
        library=tmp_path / "library.sqlite",
        cache=tmp_path / "cache" / "http-cache.sqlite",
        index=tmp_path / "no-index.sqlite",  # none: a test that wants one builds it there
        arxiv_url=fake_server.arxiv_url,
        s2_url=fake_server.s2_url,
        s2_api_key=None,
        arxiv_interval=0.0,
        s2_interval=0.0,
        connect_timeout=2.0,
        read_timeout=5.0,
    )


def http_for(settings: Settings, **options: Any) -> Http:
    """An ``Http`` that asks arXiv and Semantic Scholar as their sources declare them (`Service`)."""
    return Http(settings, [arxiv.service(settings), semanticscholar.service(settings)], **options)


@pytest.fixture
def http(fake_settings: Settings) -> Iterator[Http]:
    """An ``Http`` on ``fake_settings`` (`http_for`), closed after the test."""
    with http_for(fake_settings) as client:
        yield client
