"""The HTTP layer over real HTTP: caching, offline mode, retries, rate limits, secrets, size caps."""

from __future__ import annotations

import itertools
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from requests_cache import SQLiteCache

from readlist.config import Settings
from readlist.errors import ApiError, NetworkError
from readlist.resolve.cache import cache_clear, cache_info
from readlist.resolve.http import Http
from tests.conftest import http_for
from tests.fakeserver import FakeServer

KEY = "s2-secret-key-0123456789"


def cache_bytes(settings: Settings) -> bytes:
    return b"".join(p.read_bytes() for p in settings.cache.parent.iterdir())


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in itertools.pairwise(times)]


def test_second_identical_get_is_served_from_cache(http: Http, fake_server: FakeServer) -> None:
    first = http.get(fake_server.arxiv_url, {"id_list": "2402.15567"})
    second = http.get(fake_server.arxiv_url, {"id_list": "2402.15567"})
    assert first.content == second.content
    assert len(fake_server.requests()) == 1
    assert (http.stats.requests, http.stats.cache_hits) == (1, 1)


def test_cache_lives_at_settings_path_and_survives_a_new_session(fake_settings: Settings, fake_server) -> None:
    with http_for(fake_settings) as http:
        http.get(fake_server.arxiv_url, {"id_list": "2402.15567"})
    assert fake_settings.cache.exists()
    with http_for(fake_settings) as http:
        http.get(fake_server.arxiv_url, {"id_list": "2402.15567"})
        assert http.stats.cache_hits == 1
    assert len(fake_server.requests()) == 1


@pytest.mark.parametrize("kind", ["429", "503", "500"])
def test_errors_are_not_cached(fake_settings: Settings, fake_server: FakeServer, kind: str) -> None:
    fake_server.faults.push(kind)
    with http_for(fake_settings, max_retries=0) as http:
        with pytest.raises(NetworkError, match=f"HTTP {kind}"):
            http.get(fake_server.s2_url + "/paper/ARXIV:2402.15567")
        assert http.get(fake_server.s2_url + "/paper/ARXIV:2402.15567").status_code == 200
        http.get(fake_server.s2_url + "/paper/ARXIV:2402.15567")
        assert (http.stats.requests, http.stats.cache_hits) == (2, 1)


@pytest.mark.parametrize("kind", ["429", "503", "500", "502", "504", "reset", "truncate"])
def test_transient_failures_are_retried(http: Http, fake_server: FakeServer, kind: str) -> None:
    fake_server.faults.push(kind, kind)
    response = http.post(fake_server.s2_url + "/paper/batch", params={"fields": "title"}, json={"ids": ["x"]})
    assert response.status_code == 200
    assert http.stats.retries == 2
    assert len(fake_server.requests()) == 3


def test_read_timeout_is_retried(fake_settings: Settings, fake_server: FakeServer) -> None:
    fake_server.faults.set(hang_seconds=1.0)
    fake_server.faults.push("hang")
    with http_for(fake_settings.replace(read_timeout=0.3)) as http:
        assert http.get(fake_server.arxiv_url, {"id_list": "2402.15567"}).status_code == 200
        assert http.stats.retries == 1


def test_retry_after_is_honoured(http: Http, fake_server: FakeServer) -> None:
    fake_server.faults.set(retry_after=1)
    fake_server.faults.push("503-retry-after")
    assert http.get(fake_server.arxiv_url, {"id_list": "2402.15567"}).status_code == 200
    (gap,) = gaps([r.time for r in fake_server.requests()])
    assert gap >= 0.99
    assert http.stats.wait_seconds >= 0.9


def test_retries_are_bounded_and_end_in_a_one_line_network_error(fake_settings: Settings, fake_server) -> None:
    fake_server.faults.set(rate=1.0, kinds=["429"])
    settings = fake_settings.replace(s2_api_key=KEY)
    with http_for(settings, max_retries=3) as http, pytest.raises(NetworkError) as caught:
        http.get(fake_server.s2_url + "/paper/search/match", {"query": "x"}, headers={"X-API-Key": KEY})
    message = str(caught.value)
    assert "HTTP 429" in message and "4 attempts" in message
    assert "\n" not in message and KEY not in message
    assert len(fake_server.requests()) == 4
    assert KEY.encode() not in cache_bytes(settings)


def test_retry_after_longer_than_max_wait_fails_at_once(fake_settings: Settings, fake_server) -> None:
    fake_server.faults.set(retry_after=3600)
    fake_server.faults.push("429-retry-after")
    with http_for(fake_settings) as http, pytest.raises(NetworkError, match="retry after 3600 s"):
        http.get(fake_server.arxiv_url, {"id_list": "2402.15567"})
    assert len(fake_server.requests()) == 1


def test_offline_answers_from_cache_and_refuses_misses(fake_settings: Settings, fake_server) -> None:
    with http_for(fake_settings) as http:
        online = http.get(fake_server.arxiv_url, {"id_list": "2402.15567"})
    with http_for(fake_settings.replace(offline=True)) as http:
        assert http.get(fake_server.arxiv_url, {"id_list": "2402.15567"}).content == online.content
        with pytest.raises(NetworkError, match=r"^offline: .* not in the cache"):
            http.get(fake_server.arxiv_url, {"id_list": "2310.08887"})
        assert http.stats.requests == 0
    assert len(fake_server.requests()) == 1


def test_api_key_is_redacted_from_the_cache_file(fake_settings: Settings, fake_server: FakeServer) -> None:
    with http_for(fake_settings) as http:
        http.post(
            fake_server.s2_url + "/paper/batch",
            params={"fields": "title"},
            json={"ids": ["ARXIV:2402.15567"]},
            headers={"X-API-Key": KEY},
        )
        http.get(
            fake_server.s2_url + "/paper/search/match", {"query": "foundation policies"}, headers={"x-api-key": KEY}
        )
    assert fake_server.requests()[0].header("x-api-key") == KEY  # it did travel
    assert cache_info(fake_settings)["responses"] == 2
    assert KEY.encode() not in cache_bytes(fake_settings)


def test_oversized_body_is_refused_without_retry(http: Http, fake_server: FakeServer) -> None:
    fake_server.faults.push("huge")
    started = time.monotonic()
    with pytest.raises(ApiError, match="exceeds"):
        http.get(fake_server.arxiv_url, {"id_list": "2402.15567"})
    assert time.monotonic() - started < 2
    assert len(fake_server.requests()) == 1


def test_limiter_spaces_requests_per_service(fake_settings: Settings, fake_server: FakeServer) -> None:
    settings = fake_settings.replace(arxiv_interval=0.15)
    with http_for(settings) as http:
        for arxiv_id in ("2402.15567", "2310.08887", "1703.10901", "2001.10528"):
            http.get(fake_server.arxiv_url, {"id_list": arxiv_id})
        started = time.monotonic()
        http.get(fake_server.arxiv_url, {"id_list": "2402.15567"})  # cached: never waits
        assert time.monotonic() - started < 0.1
    assert min(gaps([r.time for r in fake_server.requests("arxiv")])) >= 0.149


def test_limiter_keeps_under_a_server_side_rate_limit(fake_settings: Settings, fake_server: FakeServer) -> None:
    fake_server.faults.set(min_interval=0.1)
    with http_for(fake_settings.replace(s2_interval=0.12)) as http:
        for n in range(4):
            http.get(f"{fake_server.s2_url}/paper/CorpusId:{n}")
        assert http.stats.retries == 0
    assert [r.status for r in fake_server.requests()] == [404] * 4


def test_server_side_rate_limit_is_survived_by_backoff(http: Http, fake_server: FakeServer) -> None:
    fake_server.faults.set(min_interval=0.05)
    for n in range(3):
        assert http.get(f"{fake_server.s2_url}/paper/CorpusId:{n}").status_code == 404
    assert http.stats.retries >= 1


def test_the_two_services_run_concurrently(fake_settings: Settings, fake_server: FakeServer) -> None:
    settings = fake_settings.replace(arxiv_interval=0.25, s2_interval=0.25)
    with http_for(settings) as http:

        def arxiv() -> None:
            for n in range(3):
                http.get(fake_server.arxiv_url, {"id_list": f"2402.1556{n}"})

        def s2() -> None:
            for n in range(3):
                http.get(f"{fake_server.s2_url}/paper/CorpusId:{n}")

        started = time.monotonic()
        threads = [threading.Thread(target=arxiv), threading.Thread(target=s2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    assert elapsed < 1.0  # one after the other would take >= 1.25 s
    for service in ("arxiv", "s2"):
        assert min(gaps([r.time for r in fake_server.requests(service)])) >= 0.249


def test_empty_feed_expires_within_the_hour(http: Http, fake_settings: Settings, fake_server: FakeServer) -> None:
    http.get(fake_server.arxiv_url, {"id_list": "0000.0000"})
    http.get(fake_server.arxiv_url, {"id_list": "2402.15567"})
    cache = SQLiteCache(fake_settings.cache)
    expiries = sorted(r.expires - datetime.now(UTC) for r in cache.responses.values())
    cache.close()
    assert expiries[0] <= timedelta(hours=1) and expiries[1] >= timedelta(days=29)


def test_cache_info_and_clear(http: Http, fake_settings: Settings, fake_server: FakeServer) -> None:
    http.get(fake_server.arxiv_url, {"id_list": "2402.15567"})
    http.post(fake_server.s2_url + "/paper/batch", params={"fields": "title"}, json={"ids": ["ARXIV:2402.15567"]})
    http.close()
    info = cache_info(fake_settings)
    assert info["responses"] == 2
    assert info["hosts"] == {fake_server.base_url.removeprefix("http://"): 2}
    assert info["size_bytes"] > 0 and Path(str(info["path"])) == fake_settings.cache
    assert "arxiv ids" in info["expiry"]  # type: ignore[operator]
    assert cache_clear(fake_settings) == 2
    assert cache_info(fake_settings)["responses"] == 0


def test_cache_info_without_a_cache_file(tmp_path: Path) -> None:
    settings = Settings(cache=tmp_path / "none" / "c.sqlite")
    assert cache_info(settings)["responses"] == 0 and cache_clear(settings) == 0
    assert not settings.cache.exists()


def test_an_unreachable_host_is_tried_once_then_no_more(fake_settings: Settings) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on: connections are refused at once
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = fake_settings.replace(arxiv_url=f"{dead}/api/query")
    with http_for(settings) as http:
        for _ in range(3):
            with pytest.raises(NetworkError, match=r"^connection failed \(connection refused by 127\.0\.0\.1:\d+\)$"):
                http.get(settings.arxiv_url, {"id_list": "2402.15567"})
        assert http.stats.requests == 1 and http.stats.retries == 0
