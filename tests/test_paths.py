"""The shared material the tests read: missing seed pages fail the tests that need them, never skip them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import paths


def test_missing_seed_pages_fail_the_tests_that_read_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paths, "SEEDS", tmp_path / "seeds")
    with pytest.raises(FileNotFoundError, match="no seed pages"):
        paths.seed_pages()
    with pytest.raises(FileNotFoundError):
        paths.seed("003")


def test_the_seed_pages_are_there() -> None:
    assert len(paths.seed_pages()) >= 5
