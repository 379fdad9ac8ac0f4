"""Looking after what readlist keeps besides the library: the HTTP cache and the local arXiv metadata index."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from readlist.config import Settings
    from readlist.index.build import BuildReport
    from readlist.index.harvest import HarvestReport


@dataclass(frozen=True)
class CacheInfo:
    """Where the HTTP cache is and what it holds; ``expiry``: how long each kind of answer is kept, by label."""

    path: str
    size_bytes: int
    responses: int
    hosts: dict[str, int]  # responses per host
    expiry: dict[str, timedelta]


def cache_info(settings: Settings) -> CacheInfo:
    """Where the HTTP cache is, its size, the responses it holds per host, and how long answers are kept."""
    from readlist.resolve.cache import EXPIRY_LABELS
    from readlist.resolve.cache import cache_info as info

    found = info(settings)  # a dict of mixed values: typed here, as `readlist.resolve.http.cache_info` says
    expiry = cast("dict[str, timedelta]", found["expiry"])
    return CacheInfo(
        str(found["path"]), cast(int, found["size_bytes"]), cast(int, found["responses"]),
        cast("dict[str, int]", found["hosts"]), {EXPIRY_LABELS[what]: delta for what, delta in expiry.items()},
    )  # fmt: skip


def cache_clear(settings: Settings) -> int:
    """Remove every cached response; how many there were."""
    from readlist.resolve.cache import cache_clear as clear

    return clear(settings)


def build_index(file: str, settings: Settings) -> BuildReport:
    """Build the index from arXiv's metadata snapshot in ``file`` (JSON lines, Kaggle's .zip, or '-')."""
    from readlist.index.build import build

    return build(file, settings.index)


def update_index(settings: Settings, prefix: str, from_date: str | None) -> HarvestReport:
    """Harvest what changed on arXiv since the index's last datestamp (or ``from_date``)."""
    from readlist.index.harvest import update

    return update(settings, prefix, from_date)


def index_info(settings: Settings) -> dict[str, str]:
    """What the index holds and how current it is, as labelled lines."""
    from readlist.index.info import describe

    return describe(settings.index)
