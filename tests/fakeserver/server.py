"""A real HTTP server on 127.0.0.1 playing arXiv (/api/query, OAI-PMH at /oai) and Semantic Scholar (/graph/v1/...),
with faults."""

from __future__ import annotations

import functools
import json
import random
import socket
import struct
import threading
import time
import zlib
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from . import arxiv, oai, s2
from .corpus import FakePaper, load_corpus

FAULT_KINDS = (
    "ok",  # no fault: answer normally (queue it before faults meant for later requests)
    "429",  # arXiv: text "Rate exceeded."; S2: the recorded JSON body and headers, no Retry-After
    "429-retry-after",
    "503",
    "503-retry-after",
    "500",
    "502",
    "504",
    "hang",  # answer only after faults.hang_seconds (set it beyond the client's read timeout)
    "reset",  # TCP RST instead of an answer
    "truncate",  # Content-Length of the full body, half the body, then close
    "malformed",  # 200 with broken XML / JSON
    "html",  # 200 with an HTML error page
    "empty",  # 200 empty feed; S2: nulls / 404 / empty search
    "billion-laughs",  # 200 XML with nested entity expansion
    "xxe",  # 200 XML with an external entity
    "huge",  # 200 declaring a 25 MB body
    "huge-chunked",  # 200 streaming a 256 MiB body in chunks, no Content-Length
    "gzip-bomb",  # 200 with a small gzip body (Content-Length as sent) that inflates to 256 MiB
)
HUGE_BYTES = 25 * 1024 * 1024
BOMB_BYTES = 256 * 1024 * 1024


@functools.cache
def gzip_bomb() -> bytes:
    """BOMB_BYTES of spaces, gzip-compressed (about 250 KB); made once, on first use."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: a gzip container
    chunk = b" " * 2**20
    return b"".join(packer.compress(chunk) for _ in range(BOMB_BYTES // len(chunk))) + packer.flush()


@dataclass
class LoggedRequest:
    time: float  # time.monotonic() when the request line and headers had been read
    method: str
    path: str
    target: str  # the request target as sent: path and query string, still encoded
    params: dict[str, list[str]]  # query string and form body, decoded
    headers: dict[str, str]  # names as sent (use ``header()`` for a case-insensitive lookup)
    body: bytes
    service: str  # "arxiv", "oai", "s2" or "other"
    fault: str | None = None
    status: int | None = None

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)

    def param(self, name: str) -> str | None:
        values = self.params.get(name)
        return values[0] if values else None


class Faults:
    """Faults injected on demand: a queue of next responses and/or random faults, plus server-side throttling."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._queue: list[tuple[str, str | None]] = []
            self.rate = 0.0
            self.kinds: list[str] = []
            self.service: str | None = None
            self.min_interval = 0.0  # answer 429 to requests closer together than this (per service)
            self.retry_after = 1  # seconds, for the *-retry-after kinds
            self.hang_seconds = 3.0
            self._rng = random.Random(0)
            self._last: dict[str, float] = {}

    def set(
        self,
        *,
        rate: float | None = None,
        kinds: list[str] | None = None,
        seed: int | None = None,
        service: str | None = None,
        min_interval: float | None = None,
        retry_after: int | None = None,
        hang_seconds: float | None = None,
    ) -> None:
        """Random faults: each request (to ``service``, or any) fails with probability ``rate``, kind from ``kinds``."""
        with self._lock:
            for kind in kinds or []:
                if kind not in FAULT_KINDS:
                    raise ValueError(f"unknown fault kind {kind!r}")
            if rate is not None:
                self.rate = rate
            if kinds is not None:
                self.kinds = list(kinds)
            if seed is not None:
                self._rng = random.Random(seed)
            self.service = service
            if min_interval is not None:
                self.min_interval = min_interval
            if retry_after is not None:
                self.retry_after = retry_after
            if hang_seconds is not None:
                self.hang_seconds = hang_seconds

    def push(self, *kinds: str, service: str | None = None) -> None:
        """Queue faults for the next requests (to ``service``, or any), in order."""
        with self._lock:
            for kind in kinds:
                if kind not in FAULT_KINDS:
                    raise ValueError(f"unknown fault kind {kind!r}")
                self._queue.append((kind, service))

    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    def next(self, service: str, now: float) -> str | None:
        with self._lock:
            for i, (kind, wanted) in enumerate(self._queue):
                if wanted in (None, service):
                    del self._queue[i]
                    return kind
            if self.min_interval:
                last = self._last.get(service)
                if last is not None and now - last < self.min_interval:
                    return "429"
                self._last[service] = now
            if self.rate and self.service in (None, service) and self._rng.random() < self.rate:
                return self._rng.choice(self.kinds)
        return None


class FakeServer:
    """``with FakeServer() as server: server.arxiv_url, server.s2_url, server.oai_url, server.requests(),
    server.faults``; ``server.oai`` is the OAI-PMH repository (by default the corpus's arXiv papers, see
    `tests.fakeserver.oai`); replace it to serve other records."""

    def __init__(
        self,
        corpus: Path | list[dict] | None = None,
        *,
        classic: bool = False,
        api_key: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.papers: list[FakePaper] = load_corpus(corpus)
        self._default_papers = self.papers
        self.oai = self._default_oai()
        self.classic = classic  # serve the pre-2025 Atom serialization
        self.api_key = api_key  # when set, a request carrying another key gets 403
        self.faults = Faults()
        self._log: list[LoggedRequest] = []
        self._log_lock = threading.Lock()
        self._httpd = ThreadingHTTPServer((host, port), _Handler)
        self._httpd.block_on_close = False
        self._httpd.app = self  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def arxiv_url(self) -> str:
        return f"{self.base_url}/api/query"

    @property
    def s2_url(self) -> str:
        return f"{self.base_url}/graph/v1"

    @property
    def oai_url(self) -> str:
        return f"{self.base_url}/oai"

    def _default_oai(self) -> oai.Repository:
        return oai.Repository([oai.snapshot_record(p) for p in self._default_papers if p.arxiv_id])

    def start(self) -> FakeServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-api", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (the standalone mode)."""
        try:
            self._httpd.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            self._httpd.server_close()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self) -> None:
        """Back to a clean state between tests: no faults, empty log, 2026 feeds, no expected key, first corpus
        and the OAI-PMH repository made from it."""
        self.faults.reset()
        self.clear_log()
        self.classic = False
        self.api_key = None
        self.papers = self._default_papers
        self.oai = self._default_oai()

    def set_corpus(self, corpus: Path | list[dict] | None) -> None:
        self.papers = load_corpus(corpus)

    def requests(self, service: str | None = None) -> list[LoggedRequest]:
        with self._log_lock:
            return [r for r in self._log if service in (None, r.service)]

    def clear_log(self) -> None:
        with self._log_lock:
            self._log.clear()

    def record(self, entry: LoggedRequest) -> None:
        with self._log_lock:
            self._log.append(entry)

    # --- responses -------------------------------------------------------------------------------------

    def respond(self, req: LoggedRequest) -> tuple[int, bytes, str, dict[str, str]]:
        """Status, body, content type and extra headers for a request without a fault."""
        if req.service == "arxiv":
            return self._arxiv(req)
        if req.service == "oai":
            return 200, self.oai.answer(req.params, self.oai_url), "text/xml; charset=utf-8", {}
        if req.service == "s2":
            sent = req.header("x-api-key")
            if self.api_key is not None and sent is not None and sent != self.api_key:
                return 403, b'{"message":"Forbidden"}', "application/json", {"x-amzn-ErrorType": "ForbiddenException"}
            try:
                body = json.loads(req.body) if req.body else None
            except ValueError:
                return _json(400, {"error": "Malformed JSON body"})
            return _json(*s2.handle(self.papers, req.method, req.path[len("/graph/v1") :], req.params, body))
        return 404, b"Not Found", "text/plain", {}

    def _arxiv(self, req: LoggedRequest) -> tuple[int, bytes, str, dict[str, str]]:
        query = req.param("search_query") or ""
        ids = [i.strip() for i in (req.param("id_list") or "").split(",") if i.strip()]
        try:
            start = int(req.param("start") or 0)
            max_results = int(req.param("max_results") or 10)
            if start < 0 or not 0 <= max_results <= 30000:
                raise ValueError("max_results must be between 0 and 30000")
            hits = arxiv.search(self.papers, query, ids)
        except ValueError as exc:  # arxiv.QueryError included
            return 400, arxiv.error_feed(str(exc)), "application/atom+xml", {}
        title = f"search_query={query}&id_list={','.join(ids)}&start={start}&max_results={max_results}"
        page = hits[start : start + max_results]
        return 200, arxiv.feed(page, len(hits), start, max_results, title, self.classic), "application/atom+xml", {}

    def fault_response(self, kind: str, req: LoggedRequest) -> tuple[int, bytes, str, dict[str, str]]:
        is_s2 = req.service == "s2"
        retry = {"Retry-After": str(self.faults.retry_after)} if kind.endswith("retry-after") else {}
        if kind.startswith("429"):
            if is_s2:
                status, body, ctype, _ = _json(429, s2.TOO_MANY)
                return status, body, ctype, {"x-amzn-ErrorType": "TooManyRequestsException", **retry}
            return 429, b"Rate exceeded.", "text/plain", retry
        if kind[:3] in ("500", "502", "503", "504"):
            return int(kind[:3]), b"<html><body>Server error</body></html>", "text/html", retry
        if kind == "malformed":
            return (200, b'{"data": [{"paperId": ', "application/json", {}) if is_s2 else (200, arxiv.MALFORMED, "", {})
        if kind == "html":
            return 200, b"<!DOCTYPE html><html><body><h1>Temporarily unavailable</h1></body></html>", "text/html", {}
        if kind == "empty":
            return self._empty(req)
        if kind == "billion-laughs":
            return 200, arxiv.BILLION_LAUGHS, "application/atom+xml", {}
        if kind == "xxe":
            return 200, arxiv.EXTERNAL_ENTITY, "application/atom+xml", {}
        if kind == "gzip-bomb":
            return 200, gzip_bomb(), "application/atom+xml", {"Content-Encoding": "gzip"}
        return self.respond(req)  # hang, reset, truncate, huge, huge-chunked: the transport does the damage

    def _empty(self, req: LoggedRequest) -> tuple[int, bytes, str, dict[str, str]]:
        if req.service == "oai":
            return 200, b"", "text/xml", {}
        if req.service == "arxiv":
            return 200, arxiv.feed([], 0, 0, 10, "search_query=&id_list=&start=0&max_results=10", self.classic), "", {}
        path = req.path[len("/graph/v1") :]
        if path == "/paper/batch":
            try:
                ids = json.loads(req.body).get("ids", [])
            except (ValueError, AttributeError):
                ids = []
            return _json(200, [None] * len(ids))
        if path == "/paper/search":
            return _json(200, {"total": 0, "offset": 0})
        return _json(404, {"error": "Title match not found" if path.endswith("/match") else "Paper not found"})


def _json(status: int, body: object) -> tuple[int, bytes, str, dict[str, str]]:
    return status, json.dumps(body).encode(), "application/json", {}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-api/1"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except ConnectionResetError:  # a client that refused a body hung up mid-stream
            self.close_connection = True

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        app: FakeServer = self.server.app  # type: ignore[attr-defined]
        now = time.monotonic()
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        params = parse_qs(url.query, keep_blank_values=True)
        if "form-urlencoded" in (self.headers.get("Content-Type") or ""):
            for name, values in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items():
                params.setdefault(name, []).extend(values)
        service = {"/api/query": "arxiv", "/oai": "oai"}.get(url.path) or (
            "s2" if url.path.startswith("/graph/v1/") else "other"
        )
        req = LoggedRequest(now, self.command, url.path, self.path, params, dict(self.headers.items()), body, service)
        app.record(req)
        req.fault = app.faults.next(service, now)
        try:
            self._answer(app, req)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _answer(self, app: FakeServer, req: LoggedRequest) -> None:
        kind = req.fault
        if kind == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if kind == "hang":
            time.sleep(app.faults.hang_seconds)
        status, body, ctype, headers = app.fault_response(kind, req) if kind else app.respond(req)
        req.status = status
        self.send_response(status)
        self.send_header("Content-Type", ctype or "application/atom+xml; charset=utf-8")
        if kind == "huge-chunked":
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(HUGE_BYTES if kind == "huge" else len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        if kind in ("truncate", "huge", "huge-chunked"):
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if kind == "truncate":
            self.wfile.write(body[: len(body) // 2])
        elif kind == "huge":
            chunk = b" " * 65536
            for _ in range(HUGE_BYTES // len(chunk)):
                self.wfile.write(chunk)
        elif kind == "huge-chunked":
            chunk = b"10000\r\n" + b" " * 65536 + b"\r\n"  # chunk sizes are hexadecimal
            for _ in range(BOMB_BYTES // 65536):
                self.wfile.write(chunk)
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.wfile.write(body)
        self.wfile.flush()
