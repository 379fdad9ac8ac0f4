"""Where the read-only shared material lives (seed pages, API samples): ``../shared`` beside the repo."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("READLIST_SHARED") or REPO.parent / "shared")
SEEDS = SHARED / "seeds"
SAMPLES = SHARED / "api-samples"


def seed(prefix: str) -> Path:
    """The seed page whose file name starts with ``prefix`` (e.g. "003")."""
    (path,) = [p for p in seed_pages() if p.name.startswith(f"{prefix}_")]
    return path


def seed_pages() -> list[Path]:
    """The seed pages; a test that reads them fails (never skips or passes empty-handed) when they are missing."""
    pages = sorted(SEEDS.glob("*.txt"))
    if not pages:
        raise FileNotFoundError(
            f"no seed pages in {SEEDS}: the tests need ../shared beside the repo (or READLIST_SHARED)"
        )
    return pages
