"""The `readlist` program (and ``python -m readlist``): Ctrl-C and SIGTERM handled from its first moment, the
command line run (`readlist.cli`), its output flushed and its exit status returned."""

from __future__ import annotations

import atexit
import contextlib
import os
import sys

from readlist import interrupt


def run() -> int:
    """Run readlist with ``sys.argv``; the exit status.

    A signal before a command began (while Python loads readlist) changes nothing and says so. Once the command is
    done, signals are ignored: one now could only make its last line untrue. A reader that left (`readlist list |
    head`) is not an error; any other failure to write the output is reported as a command's error is, once.
    """
    interrupt.install()
    try:
        from readlist.cli import main

        try:
            main()
            status: object = 0
        except SystemExit as exc:
            status = exc.code
        interrupt.ignore()
        status = _flushed(status)
    except KeyboardInterrupt as stop:
        from readlist.present.errors import interrupted

        status = _said(interrupted(None), 128 + interrupt.signum_of(stop))
    if status is not None and not isinstance(status, int):  # sys.exit("message"): printed, status 1
        status = _said(str(status), 1)
    return _end(status or 0)


def _end(status: int) -> int:
    """End the process with ``status`` now, rather than let Python free every module and object one by one, when
    nothing is left that needs it: the atexit handlers run first and the standard streams are flushed, and a
    thread still running (which Python would wait for) makes the process end the usual way (``status`` returned).
    The command has committed and closed its library and output files already."""
    if "threading" in sys.modules and sys.modules["threading"].active_count() > 1:
        return status
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.flush()
    os._exit(status)


def _flushed(status: object) -> object:
    """``status`` once the output is flushed; an error writing it is the command's error, unless it failed already.
    Standard output is then sent to /dev/null, so that Python's own flush at exit finds nothing left to fail on."""
    try:
        if sys.stdout is not None:  # None: the process started with that descriptor closed
            sys.stdout.flush()
    except OSError as exc:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        if not status and not isinstance(exc, BrokenPipeError):
            from readlist.present.errors import os_failure

            return f"Error: {os_failure(exc)}"
    return status


def _said(message: str, status: int) -> int:
    """Write ``message`` to stderr, if it can be written; ``status``."""
    if sys.stderr is not None:
        with contextlib.suppress(OSError):
            sys.stderr.write(message + "\n")
            sys.stderr.flush()
    return status


if __name__ == "__main__":
    sys.exit(run())
