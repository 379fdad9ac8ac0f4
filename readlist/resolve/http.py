"""One cached, rate-limited, retrying HTTP session shared by every source (`readlist.sources`) and the index updater.

Each API is a `Service` its client declares: where it answers (the base URL), the interval it asks between
requests, how long its answers are kept, and which answers say that nothing was found. A URL under no declared
service is asked with no interval and kept a week (`readlist.resolve.cache` has the cache's policy and file).

Offline mode answers from the cache only, expired entries included, and raises ``Offline`` (a ``NetworkError``) on a
miss.
The S2 key travels in a header spelled ``X-API-Key``, which requests-cache redacts (it compares header names
case-sensitively, so ``x-api-key`` is listed too); headers are not part of cache keys.

Rate limits: one limiter per service (keyed by its base URL, so two services behind one host still get separate
limiters; a service may share another's, as arXiv's OAI-PMH interface shares its query API's rate limit): one
request in flight at a time, and ``interval`` seconds from the end of one request to the start of the next. Cache
hits are answered before taking the limiter and never wait.

A host that cannot be reached (connection refused, a name that does not resolve, no answer to the connection):
one attempt, then every request to that API fails at once for the rest of the session, so a machine without
network learns it in one request per host, not in minutes of retries. The entries wait, pending, for the next
`readlist resolve`.

Retries: 429, 500, 502, 503, 504, a connection reset or timeout while answering and truncated bodies are retried up
to ``max_retries`` times. The wait is ``Retry-After`` (seconds or HTTP date) when given, else exponential backoff
from twice the service interval with 50-100% jitter; no single wait exceeds ``max_wait`` (a longer Retry-After
fails at once).
Bodies larger than ``MAX_BODY_BYTES`` (20 MiB; S2's own response cap is 10 MB) are refused with ``ApiError``,
counted after decompression and without reading more than the cap (docs/reliability.md explains the choice).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from requests_cache import DEFAULT_IGNORED_PARAMS, DO_NOT_CACHE, CachedSession

from readlist.config import Settings
from readlist.errors import ApiError, NetworkError, Offline
from readlist.resolve.cache import EXPIRY, a_week, open_cache

MAX_BODY_BYTES = 20 * 1024 * 1024
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_RETRYABLE_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


def _nothing_found(response: requests.Response) -> bool:
    return False


@dataclass(frozen=True)
class Service:
    """An API readlist asks: where it answers, and the policies its client declares for it."""

    name: str
    base_url: str
    interval: float = 0.0  # seconds from the end of one request to the start of the next
    # how long an answer is kept, from the request's parameters and form (DO_NOT_CACHE: never)
    expiry: Callable[[Mapping[str, object]], timedelta | int] = a_week
    # whether an answer says that nothing was found: kept an hour only (a 404 among them is kept at all)
    found_nothing: Callable[[requests.Response], bool] = _nothing_found
    limiter: str | None = None  # the service whose rate limit this one shares (None: its own)

    def matches(self, url: str) -> bool:
        return bool(self.base_url) and url.startswith(self.base_url.rstrip("/"))


OTHER = Service("other", "")


def _describe(exc: Exception) -> str:
    """A short reason for a transport failure (requests' own messages repeat the whole URL)."""
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError | requests.exceptions.ContentDecodingError):
        return "truncated or corrupt body"
    return "connection failed"


def _unreachable(exc: Exception, url: str) -> str | None:
    """Why the host of ``url`` cannot be reached at all (no connection was made), or None for a failure while it
    answered (a reset, a timeout, a cut body: worth retrying)."""
    from urllib3.exceptions import NameResolutionError, NewConnectionError

    host = urlsplit(url).netloc
    if isinstance(exc, requests.ConnectTimeout):
        return f"no answer from {host}"
    reason = getattr(exc.args[0] if exc.args else None, "reason", None)
    if isinstance(reason, NameResolutionError):
        return f"cannot resolve {urlsplit(url).hostname}"
    if isinstance(reason, NewConnectionError):
        return f"connection refused by {host}" if "refused" in str(reason).lower() else f"cannot connect to {host}"
    return None


@dataclass
class HttpStats:
    """Counters for one ``Http``; updated under a lock so threads can share it."""

    requests: int = 0  # requests actually sent over the network (each retry counts)
    cache_hits: int = 0
    retries: int = 0
    wait_seconds: float = 0.0  # time spent waiting for a rate limiter or Retry-After/backoff
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, **amounts: float) -> None:
        with self._lock:
            for name, amount in amounts.items():
                setattr(self, name, getattr(self, name) + amount)


class _Limiter:
    """One request in flight, and ``interval`` seconds between the end of one request and the next."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._lock = threading.Lock()
        self._next = 0.0

    @contextmanager
    def slot(self, stats: HttpStats) -> Iterator[None]:
        with self._lock:
            delay = self._next - time.monotonic()
            if delay > 0:
                time.sleep(delay)
                stats.add(wait_seconds=delay)
            try:
                yield
            finally:
                self._next = max(self._next, time.monotonic() + self.interval)

    def hold_off(self, seconds: float) -> None:
        """Delay the next request (call inside ``slot``): a backoff applies to every thread using this API."""
        self._next = max(self._next, time.monotonic() + seconds)


def _open_session(settings: Settings, worth_caching: Callable[[requests.Response], bool]) -> CachedSession:
    settings.cache.parent.mkdir(parents=True, exist_ok=True)
    return CachedSession(
        backend=open_cache(settings),
        allowable_methods=("GET", "POST"),
        allowable_codes=(200, 404),
        filter_fn=worth_caching,
        ignored_parameters=[*DEFAULT_IGNORED_PARAMS, "x-api-key"],
        stale_if_error=settings.offline,  # offline: an expired entry beats no answer
    )


def _refuse_large_body(response: requests.Response, *args: object, **kwargs: object) -> requests.Response:
    """Response hook, run before requests reads the body: a declared oversize body is never downloaded, and any
    other body is read, decompressed, only up to the cap (a chunked stream or a gzip bomb cannot fill memory)."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        response.close()
        raise ApiError(f"{_where(response.url)}: response of {int(declared)} bytes exceeds the {MAX_BODY_BYTES} cap")
    # not read yet (requests-cache runs the hooks again on read responses); requests starts it as False, which its
    # stubs do not say
    if response._content is False:  # type: ignore[comparison-overlap]
        body = bytearray()
        for chunk in response.iter_content(65536):
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                response.close()
                raise ApiError(f"{_where(response.url)}: response exceeds the {MAX_BODY_BYTES} byte cap")
        response._content = bytes(body)
    return response


def _where(url: str) -> str:
    """Host and path of a URL, for messages (queries can be kilobytes of titles)."""
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path}"


def _retry_after(response: requests.Response | None) -> float | None:
    value = response.headers.get("Retry-After", "").strip() if response is not None else ""
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class Http:
    """The only way readlist talks to the network; see the module docstring for the policies. ``services``: the
    APIs it will ask (more may be added with `add`)."""

    def __init__(
        self, settings: Settings, services: Iterable[Service] = (), *, max_retries: int = 5, max_wait: float = 60.0
    ) -> None:
        self.settings = settings
        self.stats = HttpStats()
        self.max_retries = max_retries
        self.max_wait = max_wait
        self._session = _open_session(settings, self._worth_caching)
        self._session.hooks["response"].append(_refuse_large_body)
        self._services: list[Service] = []
        self._limiters = {OTHER.name: _Limiter(OTHER.interval)}
        for service in services:
            self.add(service)
        self._timeout = (settings.connect_timeout, settings.read_timeout)
        self._down: dict[str, str] = {}  # service -> why its host could not be reached (this session asks it no more)

    def add(self, service: Service) -> None:
        """Ask ``service``'s URLs with its policies (a service of the same name already added is kept)."""
        if all(s.name != service.name for s in self._services):
            self._services.append(service)
            self._limiters.setdefault(service.limiter or service.name, _Limiter(service.interval))

    def get(
        self, url: str, params: dict[str, Any] | None = None, *, headers: dict[str, str] | None = None
    ) -> requests.Response:
        return self._send("GET", url, params=params, headers=headers)

    def post(
        self,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        json: object | None = None,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        return self._send("POST", url, params=params, data=data, json=json, headers=headers)

    def discard(self, response: requests.Response) -> None:
        """Drop a response from the cache (a 200 whose body turned out unusable must not be served again)."""
        key = getattr(response, "cache_key", None)
        if key:
            self._session.cache.delete(key)

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> Http:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _service(self, url: str) -> Service:
        return next((s for s in self._services if s.matches(url)), OTHER)

    def _worth_caching(self, response: requests.Response) -> bool:
        return response.status_code == 200 or (
            response.status_code == 404 and self._service(response.url).found_nothing(response)
        )

    def _send(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        **kwargs: object,
    ) -> requests.Response:
        service = self._service(url)
        expiry = service.expiry({**(params or {}), **(data or {})})
        options: dict[str, Any] = {**kwargs, "params": params, "data": data, "headers": headers}
        options |= {"timeout": self._timeout, "expire_after": expiry}
        cached = self._session.request(method, url, only_if_cached=True, **options)
        if cached.status_code != 504:  # requests-cache's "not cached (or expired)"; a real 504 is never stored
            self.stats.add(cache_hits=1)
            return cached
        if self.settings.offline:
            raise Offline(f"offline: {method} {_where(url)} is not in the cache")
        if service.name in self._down:
            raise NetworkError(f"connection failed ({self._down[service.name]})")
        limiter = self._limiters[service.limiter or service.name]
        reason = ""
        for attempt in range(self.max_retries + 1):
            with limiter.slot(self.stats):
                response = None
                try:
                    response = self._session.request(method, url, **options)
                except _RETRYABLE_ERRORS as exc:
                    down = _unreachable(exc, url)
                    if down is not None:
                        self.stats.add(requests=1)
                        self._down[service.name] = down
                        raise NetworkError(f"connection failed ({down})") from None
                    reason = _describe(exc)
                if response is not None and getattr(response, "from_cache", False):
                    self.stats.add(cache_hits=1)  # another thread fetched it while this one waited
                    return response
                self.stats.add(requests=1)
                if response is not None and response.status_code not in RETRY_STATUSES:
                    return self._checked(response, service, cached=expiry != DO_NOT_CACHE)
                if response is not None:
                    reason = f"HTTP {response.status_code}"
                if attempt == self.max_retries:
                    break
                wait = self._wait(attempt, response, limiter, method, url)
                limiter.hold_off(wait)
                self.stats.add(retries=1)
        raise NetworkError(f"{method} {_where(url)} failed after {self.max_retries + 1} attempts (last: {reason})")

    def _wait(
        self, attempt: int, response: requests.Response | None, limiter: _Limiter, method: str, url: str
    ) -> float:
        asked = _retry_after(response)
        if asked is not None:
            if asked > self.max_wait:
                raise NetworkError(
                    f"{method} {_where(url)} answered HTTP {response.status_code if response is not None else ''}"
                    f" and asked to retry after {asked:.0f} s; try again later"
                )
            return asked
        base = max(2 * limiter.interval, 0.02)
        return min(self.max_wait, base * 2.0**attempt) * random.uniform(0.5, 1.0)

    def _checked(self, response: requests.Response, service: Service, cached: bool) -> requests.Response:
        if len(response.content) > MAX_BODY_BYTES:
            self.discard(response)
            raise ApiError(f"{_where(response.url)}: response exceeds the {MAX_BODY_BYTES} byte cap")
        if cached and getattr(response, "cache_key", None) and service.found_nothing(response):
            key = response.cache_key  # type: ignore[attr-defined]  # requests-cache's (its CachedResponse)
            self._session.cache.save_response(response, key, datetime.now(UTC) + EXPIRY["negative answers"])
        return response
