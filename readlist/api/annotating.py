"""Changing papers at the user's word: read state, notes, tags, keys, merging and removing; backup and restore.

Each call is one transaction: it changes everything it was asked to, or (an error naming what was wrong) nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from readlist.api.library import Library
from readlist.errors import ReadlistError

if TYPE_CHECKING:
    from pathlib import Path

    from readlist.api.report import Annotated, Renamed
    from readlist.model import Paper


class Annotating(Library):
    def set_state(self, refs: Sequence[str], state: str) -> list[Paper]:
        """Mark the papers ``refs`` name (read, reading, unread), each state change logged with its time."""
        with self.store.transaction():
            ids = [self.store.lookup(r) for r in refs]
            for pid in ids:
                self.store.set_state(pid, state)
        return [self.store.get(pid) for pid in ids]

    def note(self, ref: str, text: str) -> Annotated:
        """Add a note to a paper."""
        if not text.strip():
            raise ReadlistError("the note is empty; nothing was added")
        with self.store.transaction():
            pid = self.store.lookup(ref)
            self.store.add_note(pid, text.strip())
        return self._annotated(pid, text)

    def tag(self, ref: str, tags: Sequence[str], remove: bool = False) -> Annotated:
        """Add tags to a paper (or ``remove`` them)."""
        with self.store.transaction():
            pid = self.store.lookup(ref)
            (self.store.remove_tags if remove else self.store.add_tags)(pid, [t.strip() for t in tags])
        return self._annotated(pid, "" if remove else " ".join(tags))

    def _annotated(self, pid: int, text: str) -> Annotated:
        from readlist.api.report import Annotated
        from readlist.export.latex import unsettable

        return Annotated(self.store.get(pid), unsettable(text))

    def merge(self, ref: str, into: str) -> Paper:
        """Merge paper ``ref`` into paper ``into`` at the user's word (`Store.merge`): notes, tags, sources and read
        state move; ``ref``'s key stays an alias of ``into`` (`show`, `--aux` and exports still find it)."""
        with self.store.transaction():
            from_id, into_id = self.store.lookup(ref), self.store.lookup(into)
            self.store.merge(from_id, into_id, asked=True)
        return self.store.get(into_id)

    def remove(self, refs: Sequence[str]) -> list[str]:
        """Remove papers with their notes, tags and sources; their keys."""
        with self.store.transaction():
            ids = list(dict.fromkeys(self.store.lookup(r) for r in refs))
            keys = [self.store.get(pid).key for pid in ids]
            for pid in ids:
                self.store.delete(pid)
        return keys

    def rename_key(self, ref: str, key: str) -> Renamed:
        """Give a paper the user's own citation key, settled: it never changes again."""
        from readlist.api.report import Renamed
        from readlist.keys import check_key

        check_key(key)
        with self.store.transaction():
            pid = self.store.lookup(ref)
            old = self.store.get(pid).key
            self.store.set_key(pid, key)
        return Renamed(old, self.store.get(pid))

    def backup(self, target: Path) -> None:
        """A consistent copy of the library at ``target``, taken while other commands may be writing."""
        self.store.backup(target)

    def restore(self, source: Path) -> None:
        """Replace the library with the backup ``source``, once it is checked (the current one is kept beside)."""
        self.store.restore(source)
