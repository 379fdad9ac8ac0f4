"""The library API: what a user can do with a reading list, one call each. The commands, the tests and other
programs call it; it runs the road ingest -> resolve -> store -> export.

`ReadingList(settings)` is a reading list in one library file; each of its parts is a module of its own:
`library` (opening it, finding and listing papers), `adding` (add, import, resolve), `annotating` (read state,
notes, tags, keys, merge, remove, backup), `review`, `exporting`; `maintenance` looks after the HTTP cache and the
local arXiv index; `report` holds what the calls return. Every module imports what is heavy (the store, the
parsers, the resolver, the exporters) only in the calls that need it, so `readlist list` loads none of it.
"""

from __future__ import annotations

from readlist.api.adding import Adding
from readlist.api.annotating import Annotating
from readlist.api.exporting import Exporting
from readlist.api.library import select
from readlist.api.review import Review, Reviewing

__all__ = ["ReadingList", "Review", "select"]


class ReadingList(Adding, Annotating, Reviewing, Exporting):
    """A reading list stored in one SQLite library file: open it with the settings, call what the user asks for,
    close it (or use it as a context manager)."""

    def __enter__(self) -> ReadingList:
        return self
