"""Progress reporting for resolution: a live one-line bar on a terminal, a few plain log lines otherwise (stderr)."""

from __future__ import annotations

import sys
import time
from typing import Protocol, TextIO

from readlist.words import plural


class HttpStatsLike(Protocol):
    requests: int
    cache_hits: int
    wait_seconds: float


class ProgressSink(Protocol):
    """What the resolver reports to: totals first, then advances and request statistics, then the end."""

    def start(self, total: int) -> None: ...
    def advance(self, n: int = 1) -> None: ...
    def update(self, stats: HttpStatsLike) -> None: ...
    def finish(self) -> None: ...


def _describe(done: int, total: int, stats: HttpStatsLike | None) -> str:
    text = f"{done}/{plural(total, 'entry', 'entries')}"
    if stats is not None:
        text += f", {stats.requests} requests, {stats.cache_hits} cache hits"
        text += f", {stats.wait_seconds:.1f} s waited on rate limits"
    return text


class _Counter:
    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream or sys.stderr
        self.total = 0
        self.done = 0
        self.stats: HttpStatsLike | None = None

    def start(self, total: int) -> None:
        self.total, self.done = total, 0

    def advance(self, n: int = 1) -> None:
        self.done = min(self.total, self.done + n)

    def update(self, stats: HttpStatsLike) -> None:
        self.stats = stats


class BarProgress(_Counter):
    """A live bar redrawn in place (for an interactive terminal), at most ten times a second."""

    WIDTH = 24

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__(stream)
        self._drawn = 0.0
        self._finished = False

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._drawn < 0.1:
            return
        self._drawn = now
        filled = self.WIDTH * self.done // self.total if self.total else self.WIDTH
        text = _describe(self.done, self.total, self.stats)
        if not self._finished:
            # Every entry decided is not the end: matched records are still completed (Semantic Scholar enrichment).
            filled = min(filled, self.WIDTH - 1)
            text += ", completing records" if self.done == self.total else ""
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\r\x1b[2Kresolving [{bar}] {text}")
        self.stream.flush()

    def start(self, total: int) -> None:
        super().start(total)
        self._finished = False
        self._draw(force=True)

    def advance(self, n: int = 1) -> None:
        super().advance(n)
        self._draw(force=self.done == self.total)  # the last entry: show "completing records" at once

    def update(self, stats: HttpStatsLike) -> None:
        super().update(stats)
        self._draw()

    def finish(self) -> None:
        self._finished = True
        self._draw(force=True)
        self.stream.write("\n")
        self.stream.flush()


class LogProgress(_Counter):
    """Plain lines for logs and pipes: the start, each further quarter done, and the end."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__(stream)
        self._quarter = 0

    def _line(self, text: str) -> None:
        print(f"resolve: {text}", file=self.stream, flush=True)

    def start(self, total: int) -> None:
        super().start(total)
        self._quarter = 0
        self._line(f"{plural(total, 'entry', 'entries')} to resolve")

    def advance(self, n: int = 1) -> None:
        super().advance(n)
        quarter = 4 * self.done // self.total if self.total else 4
        if 0 < quarter < 4 and quarter > self._quarter:
            self._quarter = quarter
            self._line(_describe(self.done, self.total, self.stats))

    def finish(self) -> None:
        self._line("done: " + _describe(self.done, self.total, self.stats))


def progress_for(stream: TextIO | None = None) -> ProgressSink:
    """The bar when ``stream`` (default stderr) is a terminal, else the plain log lines."""
    stream = stream or sys.stderr
    return BarProgress(stream) if stream.isatty() else LogProgress(stream)
