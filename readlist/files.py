"""Writing a file so that it is always whole: the old content or the new, never half of either.

Light (os, and tempfile when a file is written): the library API writes its output files through
`atomic_write`; a build of the arXiv index writes its new file through `temp_beside`.
"""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import TextIO


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str]) -> Iterator[TextIO]:
    """Write to a temporary file beside ``path`` and rename it over ``path`` once complete.

    A path that exists and is not a regular file (``/dev/stdout``, a named pipe) is written to directly.
    """
    path = os.fspath(path)
    if os.path.exists(path) and not os.path.isfile(path):
        with open(path, "w", encoding="utf-8", newline="\n") as out:
            yield out
        return
    fd, tmp = temp_beside(path)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def temp_beside(path: str | os.PathLike[str]) -> tuple[int, str]:
    """A new, empty temporary file in ``path``'s folder (so it can be renamed over ``path``), open and named, after
    deleting the ones a killed writer of ``path`` left there. The caller renames it over ``path`` or unlinks it."""
    import tempfile

    folder, name = os.path.split(os.fspath(path))
    folder = folder or "."
    os.makedirs(folder, exist_ok=True)
    _remove_orphans(folder, name)
    return tempfile.mkstemp(prefix=f".{name}.{os.getpid()}.", suffix=".tmp", dir=folder)


def _remove_orphans(folder: str, name: str) -> None:
    """Delete temporary files that a killed write of ``name`` left in ``folder`` (their process is gone)."""
    prefix = f".{name}."
    for entry in os.listdir(folder):
        if not (entry.startswith(prefix) and entry.endswith(".tmp")):
            continue
        pid = entry[len(prefix) :].split(".", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(folder, entry))
        except OSError:
            pass  # alive, or someone else's process
