"""Sources of paper records, one module each behind one interface (`base.Source`): arXiv, Semantic Scholar, and any
installed package's, registered under the entry-point group ``readlist.sources``.

The resolver asks them in the order their classes declare (``order``); this package names none of them.
"""

from __future__ import annotations

from readlist.errors import ReadlistError
from readlist.sources.base import Source

GROUP = "readlist.sources"


def source_classes() -> list[type[Source]]:
    """Every registered source class, in the order the resolver asks them (``order``, then name)."""
    from importlib.metadata import entry_points

    found: dict[type[Source], None] = {}
    for ep in entry_points(group=GROUP):
        try:
            cls = ep.load()
        except Exception as exc:  # a broken plugin is named, not a traceback
            raise ReadlistError(f"source {ep.name!r} could not be loaded: {exc}") from exc
        if not (isinstance(cls, type) and issubclass(cls, Source)):
            raise ReadlistError(f"source {ep.name!r} ({ep.value}) is not a readlist.sources.base.Source")
        found[cls] = None
    if not found:
        raise ReadlistError(f"no source is registered under {GROUP!r}: reinstall readlist")
    return sorted(found, key=lambda cls: (cls.order, cls.name))
