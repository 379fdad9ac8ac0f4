"""Ctrl-C and SIGTERM: stop at once, keep what is done.

The program (`readlist.__main__.run`) makes both signals raise `Interrupted` in the main thread. A block that must
not be cut in half (storing what was parsed, saving the resolutions already finished) runs inside `deferred()`:
a signal received meanwhile is held, and the block's caller raises it when the block is done. Each command is one
transaction, so a command interrupted anywhere else leaves the library as it was.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

SIGNALS = (signal.SIGINT, signal.SIGTERM)
_held: list[int] = []
_depth = 0


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (SIGINT) or SIGTERM; ``pending``: papers of the command still pending (None: nothing was changed)."""

    def __init__(self, signum: int = signal.SIGINT, pending: int | None = None) -> None:
        super().__init__(signum)
        self.signum, self.pending = signum, pending

    @property
    def exit_status(self) -> int:
        """128 + the signal's number, as shells report a process a signal ended: 130 Ctrl-C, 143 SIGTERM."""
        return 128 + self.signum


def _handler(signum: int, frame: object) -> None:
    if _depth:
        if not _held:
            _held.append(signum)
        return
    raise Interrupted(signum)


def install() -> None:
    """Make SIGINT and SIGTERM raise `Interrupted` (call in the main thread)."""
    for signum in SIGNALS:
        signal.signal(signum, _handler)


class Held:
    """What `deferred` held: ``signum``, the signal received inside the block, if any."""

    signum: int | None = None


def ignore() -> None:
    """Ignore SIGINT and SIGTERM from now on (the command has finished; the process is about to end)."""
    for signum in SIGNALS:
        signal.signal(signum, signal.SIG_IGN)


@contextmanager
def deferred() -> Iterator[Held]:
    """Run a block without being interrupted; ``held.signum`` says afterwards whether a signal came meanwhile."""
    global _depth
    held = Held()
    _depth += 1
    try:
        yield held
    finally:
        _depth -= 1
        if _held:
            held.signum = _held[0]
            if not _depth:
                _held.clear()


def signum_of(stop: KeyboardInterrupt) -> int:
    """The signal behind a KeyboardInterrupt (Python's own, without `install`, is SIGINT's)."""
    return stop.signum if isinstance(stop, Interrupted) else signal.SIGINT
