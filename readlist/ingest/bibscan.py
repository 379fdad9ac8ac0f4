"""A fast path for reading .bib files: one regex match per entry header and per field.

bibtexparser's splitter steps through every brace, comma, quote and newline in Python: over a second for a
10,000-entry library with long abstracts. ``scan`` lets the ``re`` engine do that work in C for the plain files that
reference managers and readlist's exporters write. It accepts only text it reads exactly as bibtexparser (with its
default middlewares) does, and returns None for anything else, so that the importer falls back to bibtexparser and
its error reporting: ``@string`` and ``@preamble`` blocks, ``(...)`` blocks, an ``@`` outside entries and
``@comment{...}`` blocks, an entry without a key or with a repeated key, a field name repeated (in any case), a value
other than one ``{...}`` (braces nested at most 8 deep), ``"..."`` or bare word (so no ``#`` concatenation),
unbalanced braces or quotes, a line inside a block that starts like a new block (``@name{``), a backslash before a
line break.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Record(NamedTuple):
    """An entry as bibtexparser gives it: fields are (lower-cased name, value without its enclosing)."""

    entry_type: str
    key: str
    fields: list[tuple[str, str]]
    line: int


def _braced(depth: int) -> str:
    """Text with braces nested at most ``depth`` deep; like bibtexparser, a character after a backslash is text."""
    text = r"(?:[^{}\\]++|\\++[^\\])*+"
    for _ in range(depth):
        text = rf"(?:[^{{}}\\]++|\\++[^\\]|\{{{text}\}})*+"
    return text


_NAME = r"[^\s\"\\,={}@]++"  # an entry key or field name: no character bibtexparser treats specially
_BLOCK = re.compile(r"@([A-Za-z]++)[ \t]*+\{")
_KEY = re.compile(rf"\s*+({_NAME})\s*+,")
_COMMENT = re.compile(rf"{_braced(8)}\}}")  # bibtexparser skips a comment block's text up to its closing brace


def _field(braced: str, quoted: str) -> re.Pattern[str]:
    """A field ``name = value`` and the "," or "}" after it, the value's text captured by kind.

    A quoted value may not end in "{": bibtexparser reads ``{"}`` inside quotes as a quote.
    """
    return re.compile(rf'\s*+({_NAME})\s*+=\s*+(?:\{{({braced})\}}|"({quoted})(?<!\{{)"|([\w.:/+-]++))\s*+([,}}])')


# Tried first: the re engine scans a single-character class like [^}] several times faster than a longer one.
_FIELD = _field(r"[^}]*+", r'[^"]*+')
# For a value with a backslash or nested braces.
_NESTED_FIELD = _field(_braced(8), r'(?:[^"\\]++|\\++[^\\])*+')
_END = re.compile(r"\s*+\}")
# bibtexparser ends an entry early where a line starts with what looks like a new block
_BLOCK_START = re.compile(r"\n\s*+@\w*+[ \t]*+[{(]")
_DECLINED_TYPES = ("preamble", "string")  # by prefix, as bibtexparser tells blocks apart


def scan(text: str) -> list[Record] | None:
    """The entries of ``text`` in order, or None if bibtexparser might read it differently."""
    if "\\\n" in text:  # bibtexparser would not count that line break, and so number later lines differently
        return None
    records: list[Record] = []
    keys: set[str] = set()
    line, counted, pos = 1, 0, 0
    while (start := text.find("@", pos)) >= 0:
        if not (block := _BLOCK.match(text, start)) or (entry_type := block[1].lower()).startswith(_DECLINED_TYPES):
            return None
        if entry_type.startswith("comment"):  # as bibtexparser reads it: "@commentary{" starts a comment too
            comment = _COMMENT.match(text, block.end())
            if comment is None or _BLOCK_START.search(text, block.end(), comment.end()):
                return None
            pos = comment.end()
            continue
        if not (head := _KEY.match(text, block.end())) or (key := head[1]) in keys:
            return None
        keys.add(key)
        fields: dict[str, str] = {}
        pos = head.end()
        while field := _field_at(text, pos):
            name, value, closed, pos = field
            if (name := name.lower()) in fields:
                return None
            fields[name] = value
            if closed:
                break
        else:
            if not (close := _END.match(text, pos)):
                return None
            pos = close.end()
        if text.find("@", head.end(), pos) >= 0 and _BLOCK_START.search(text, head.end(), pos):
            return None
        line += text.count("\n", counted, start)
        counted = start
        records.append(Record(entry_type, key, list(fields.items()), line))
    return records


def _field_at(text: str, pos: int) -> tuple[str, str, bool, int] | None:
    """The field at ``pos``: its name, value, whether the entry closes after it, and where it ends."""
    for pattern in (_FIELD, _NESTED_FIELD):
        if field := pattern.match(text, pos):
            name, braced, quoted, bare, end = field.groups()
            value = braced if braced is not None else quoted if quoted is not None else bare
            if pattern is _NESTED_FIELD or not ("\\" in value or "{" in (braced or "")):
                return name, value, end == "}", field.end()
    return None
