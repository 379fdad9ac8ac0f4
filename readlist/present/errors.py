"""How readlist says that a command failed or was interrupted: one line, never a traceback."""

from __future__ import annotations

from readlist.words import plural


def failure(exc: Exception) -> str:
    """A readlist error as the one line printed after "Error: " (its first line, or its type when it has none)."""
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def os_failure(exc: OSError) -> str:
    """An operating system error as one line, ``file: reason`` (printed after "Error: ")."""
    return f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": ")


def interrupted(pending: int | None) -> str:
    """The one line an interrupted command ends with (``pending``: its papers still pending; None when it changed
    nothing)."""
    if pending is None:
        return "interrupted: the library is unchanged"
    return f"interrupted: {plural(pending, 'paper')} pending, everything parsed is kept; `readlist resolve` continues"


def broken_plugin(name: str, where: str, exc: Exception) -> str:
    """A command a plugin adds (``where``: its entry point's value) that cannot be loaded."""
    return f"command {name!r} ({where}) could not be loaded: {exc}"
