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
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path


def seed_pages() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))
