"""Fixtures of the stories: a fresh researcher (home, library, cache) online against the fake server."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.fakeserver import FakeServer
from tests.scenarios.harness import PROGRAM, User


@pytest.fixture(scope="session", autouse=True)
def installed() -> None:
    assert PROGRAM.exists(), f"the stories run the installed program; {PROGRAM} is missing (bash scripts/bootstrap.sh)"


@pytest.fixture
def new_user(tmp_path: Path, fake_server: FakeServer) -> Callable[..., User]:
    """``new_user("name")``: another researcher with a home of their own, online against the same fake server."""

    def make(name: str = "researcher", **kwargs: object) -> User:
        return User(tmp_path / name, fake_server, **kwargs)  # type: ignore[arg-type]

    return make


@pytest.fixture
def user(new_user: Callable[..., User]) -> User:
    return new_user()
