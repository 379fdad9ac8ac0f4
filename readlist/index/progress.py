"""The progress of a build or harvest on stderr: records, records per second and, when the size of the work is
known, the share done and an ETA. On a terminal one line is redrawn in place (at most five times a second);
otherwise (logs, pipes) a line is written at each tenth of the work, or every 30 s when its size is unknown."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from readlist.words import duration


class Meter:
    """``Meter("building", total_bytes)``; ``update(done, records)`` as work is done (``done`` in the unit of
    ``total``: bytes of input, or records when ``total`` counts records); ``finish()`` at the end."""

    def __init__(self, verb: str, total: int | None, stream: TextIO | None = None) -> None:
        self.verb = verb
        self.total = total or None
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self.start = time.monotonic()
        self.done = self.records = 0
        self._drawn = 0.0
        self._step = 0  # tenths (or 30 s periods) already logged

    def update(self, done: int, records: int) -> None:
        self.done, self.records = done, records
        now = time.monotonic()
        if self.live:
            if now - self._drawn >= 0.2:
                self._drawn = now
                self.stream.write(f"\r\x1b[2K{self.line()}")
                self.stream.flush()
            return
        step = int(10 * done / self.total) if self.total else int((now - self.start) / 30)
        if step > self._step:
            self._step = step
            print(self.line(), file=self.stream, flush=True)

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.start, 1e-9)
        rate = self.records / elapsed
        text = f"{self.verb}: {self.records:,} records, {rate:,.0f} records/s"
        if self.total:
            share = min(1.0, self.done / self.total)
            text = f"{self.verb}: {100 * share:.0f}%, {text[len(self.verb) + 2 :]}"
            if 0 < share < 1:
                text += f", ETA {duration(elapsed * (1 - share) / share)}"
        return text

    def finish(self) -> None:
        if self.live:
            self.stream.write(f"\r\x1b[2K{self.line()}\n")
            self.stream.flush()
