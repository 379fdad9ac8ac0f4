"""The SQLite library: papers, authors, notes, tags, sources, read state and match evidence."""

from readlist.store.library import Filters, Store

__all__ = ["Filters", "Store"]
