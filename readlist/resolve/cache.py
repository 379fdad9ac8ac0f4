"""The HTTP cache: its file, its expiry policy, and what `readlist cache info` and `cache clear` see and do.

Cache (requests-cache, SQLite at ``settings.cache``; the path gets ``.sqlite`` appended when it has no suffix).
Only answers worth keeping are stored: HTTP 200, plus a 404 that a service declares an answer (Semantic Scholar's
"Title match not found": a real answer, and without it an offline re-run could not tell "no match" from "never
asked"). 429, 5xx, 400 and every other status are never stored. Expiry (`EXPIRY`, as the built-in services use it):

- arXiv ``id_list`` lookups: 30 days. Metadata of a known id rarely changes; a new version is a reason to refresh
  but not an urgent one.
- arXiv searches: 7 days. New papers and new versions (changed titles) appear daily, but a reading list is resolved
  in sessions, and a week keeps re-runs free.
- Semantic Scholar: 7 days. Venues, DOIs and publication dates are added as papers get published.
- Negative answers (an arXiv feed without entries, S2's title-match 404): 1 hour. arXiv sometimes returns transient
  empty feeds, and a paper missing today may be indexed tomorrow; an hour still makes an immediate re-run free.
- arXiv's OAI-PMH pages (index updates): never cached. They are read once, into the index, and are megabytes each.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from requests_cache import DO_NOT_CACHE
from requests_cache.backends.sqlite import SQLiteCache

from readlist.config import Settings

EXPIRY = {
    "arxiv ids": timedelta(days=30),
    "arxiv search": timedelta(days=7),
    "s2": timedelta(days=7),
    "other": timedelta(days=7),
    "negative answers": timedelta(hours=1),
}
# what `readlist cache info` calls each expiry
EXPIRY_LABELS = {
    "arxiv ids": "arXiv ids",
    "arxiv search": "arXiv searches",
    "s2": "Semantic Scholar",
    "other": "other",
    "negative answers": "answers that found nothing",
}


def a_week(form: Mapping[str, object]) -> timedelta:
    """The expiry of a service that declares none."""
    return EXPIRY["other"]


def never_kept(form: Mapping[str, object]) -> int:
    """The expiry of a service whose answers are never cached."""
    return DO_NOT_CACHE


def cache_path(settings: Settings) -> Path:
    return settings.cache if settings.cache.suffix else settings.cache.with_suffix(".sqlite")


def open_cache(settings: Settings) -> SQLiteCache:
    return SQLiteCache(cache_path(settings), wal=True)


def _cache_files(path: Path) -> list[Path]:
    return [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]


def cache_info(settings: Settings) -> dict[str, object]:
    """What the HTTP cache holds: path, size on disk, number of responses per host, and the expiry policy."""
    policy = dict(EXPIRY)
    path = cache_path(settings)
    if not path.exists():
        return {"path": str(path), "size_bytes": 0, "responses": 0, "hosts": {}, "expiry": policy}
    cache = open_cache(settings)
    try:
        hosts = Counter(urlsplit(r.url).netloc for r in cache.responses.values())
    finally:
        cache.close()
    return {
        "path": str(path),
        "size_bytes": sum(p.stat().st_size for p in _cache_files(path)),
        "responses": sum(hosts.values()),
        "hosts": dict(hosts),
        "expiry": policy,
    }


def cache_clear(settings: Settings) -> int:
    """Remove every cached response; returns how many there were."""
    path = cache_path(settings)
    if not path.exists():
        return 0
    cache = open_cache(settings)
    try:
        count = len(cache.responses)
        cache.clear()
    finally:
        cache.close()
    return count
