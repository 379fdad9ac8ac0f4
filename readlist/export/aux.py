"""The citation keys a LaTeX document cites, read from its .aux file (BibTeX and biblatex/biber)."""

from __future__ import annotations

import re
from pathlib import Path

from readlist.errors import ReadlistError

# BibTeX: \citation{a,b}; biblatex: \abx@aux@cite{a} (older) or \abx@aux@cite{0}{a} (refsection, key)
_CITE = re.compile(r"\\citation\{([^}]*)\}|\\abx@aux@cite(?:\{\d+\})?\{([^}]*)\}")


def cited_keys(aux: Path) -> list[str]:
    """Cited keys in first-cited order; ``*`` (\\nocite{*}) is returned as is."""
    try:
        text = aux.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise ReadlistError(f"{aux}: cannot read: {exc.strerror}") from None
    keys: dict[str, None] = {}
    for m in _CITE.finditer(text):
        for key in (m.group(1) or m.group(2)).split(","):
            if key.strip():
                keys[key.strip()] = None
    return list(keys)
