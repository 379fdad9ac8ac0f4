"""Read input files (or stdin) and dispatch each to the page or .bib parser; bare ids/URLs/DOIs are entries."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from readlist.errors import InputError
from readlist.identifiers import parse_identifier
from readlist.ingest.bibtex import parse_bib
from readlist.ingest.pages import parse_page
from readlist.model import Entry

# A pasted page is kilobytes; a .bib export of a large library can be hundreds of megabytes.
MAX_PAGE_BYTES = 20 * 1024 * 1024
MAX_BIB_BYTES = 1024 * 1024 * 1024
_BIB_START = re.compile(r"^\s*@[a-zA-Z]+\s*[{(]", re.MULTILINE)


@dataclass
class ParseResult:
    entries: list[Entry] = field(default_factory=list)
    problems: list[InputError] = field(default_factory=list)  # what was not read (an entry lost, a file)
    warnings: list[InputError] = field(default_factory=list)  # what was read, but is odd (kept as written)
    preambles: list[tuple[str, str]] = field(default_factory=list)  # (.bib file, @preamble expression)
    aliases: list[tuple[str, str]] = field(default_factory=list)  # (alias, key of its paper), from .bib files


def _decode(data: bytes, source: str) -> str:
    if b"\x00" in data[:65536]:
        raise InputError(source, None, "looks like a binary file, not a text page or .bib file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(source, line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x})") from None


def read_source(name: str) -> tuple[str, str]:
    """(display name, text) of a path or ``-`` for standard input."""
    if name == "-":
        return "<stdin>", _decode(sys.stdin.buffer.read(), "<stdin>")
    path = Path(name)
    if path.is_dir():
        raise InputError(name, None, "is a directory; give the files inside it")
    try:
        size = path.stat().st_size
        limit = MAX_BIB_BYTES if name.lower().endswith(".bib") else MAX_PAGE_BYTES
        if size > limit:
            raise InputError(name, None, f"is {size / 2**20:.0f} MiB; pages over {limit // 2**20} MiB are refused")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(name, None, "no such file") from None
    except PermissionError:
        raise InputError(name, None, "permission denied") from None
    except OSError as exc:
        raise InputError(name, None, f"cannot read: {exc.strerror}") from None
    return name, _decode(data, name)


def parse_text(text: str, source: str, bib: bool | None = None) -> ParseResult:
    """Parse one input's text; ``bib=None`` sniffs the format from the content."""
    if bib is None:
        bib = source.lower().endswith(".bib") or bool(_BIB_START.search(text[:4096]))
    if bib:
        parsed = parse_bib(text, source)
        preambles = [(source, p) for p in parsed.preambles]
        result = ParseResult(parsed.entries, parsed.problems, parsed.warnings, preambles, parsed.aliases)
    else:
        result = ParseResult(*parse_page(text, source))
    if not result.entries and not result.problems and not result.preambles and not result.aliases:
        result.problems.append(
            InputError(source, None, "no entries found (expected titles with abstracts, ids or BibTeX)")
        )
    return result


def read_inputs(names: list[str]) -> ParseResult:
    """Parse every input (a file, ``-``, or an arXiv id/URL or DOI that is not a file name).

    An unreadable input is a problem, and the others are still parsed.
    """
    result = ParseResult()
    for name in names:
        if name != "-" and parse_identifier(name) and not Path(name).exists():
            entries, _ = parse_page(name, name)  # an arXiv id/URL or DOI given on the command line
            result.entries.extend(entries)
            continue
        try:
            source, text = read_source(name)
        except InputError as exc:
            result.problems.append(exc)
            continue
        one = parse_text(text, source)
        result.entries.extend(one.entries)
        result.problems.extend(one.problems)
        result.warnings.extend(one.warnings)
        result.preambles.extend(one.preambles)
        result.aliases.extend(one.aliases)
    return result
