"""Parse pasted listing pages (e.g. Hugging Face "Daily Papers") into title + abstract entries.

Two layouts occur: blocks separated by blank lines, and a title line directly followed by
an abstract line. Both reduce to the same stream of non-blank lines, which is classified
line by line: header noise, metadata (author count, "·", date, upvotes), identifier lines,
and content lines that pair up as title, abstract.

A date printed without a year ("Jun 2") is kept as month and day only (``--06-02``):
listing sites omit the year for the current year, and a page does not say which year
that was, so readlist does not guess. Matching compares such a date by month and day.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from readlist.errors import InputError
from readlist.identifiers import parse_identifier
from readlist.model import Entry, PartialDate

MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}

_NOISE = re.compile(
    r"^(?:new|subscribe|daily papers|get trending papers in your email inbox(?: once a day)?!?"
    r"|by ?ak and the research community)$",
    re.IGNORECASE,
)
_GLUED_SUBSCRIBE = re.compile(r"^Subscribe(?=[A-Z0-9\"'(\[])")
_AUTHORS = re.compile(r"^[•·*-]?\s*(\d+)\s+authors?$", re.IGNORECASE)
_SEPARATOR = re.compile(r"^[·•]$")
_DATE = re.compile(
    r"^(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?P<day>\d{1,2})"
    r"(?:,\s*(?P<year>\d{4}))?(?:\s+(?P<upvotes>\d+))?$",
    re.IGNORECASE,
)
# A content line longer than this cannot be a title; a shorter one without a sentence end is not an abstract.
MAX_TITLE = 300
MAX_SHORT_ABSTRACT = 250


def parse_date(text: str) -> tuple[PartialDate, int | None] | None:
    """``"Oct 7, 2022"`` -> (2022-10-07, None); ``"Sep 29 2"`` -> (--09-29, 2 upvotes)."""
    m = _DATE.match(text)
    if not m:
        return None
    month, day = MONTHS[m.group("mon").lower()[:3]], int(m.group("day"))
    if not 1 <= day <= 31:
        return None
    year = int(m.group("year")) if m.group("year") else None
    upvotes = int(m.group("upvotes")) if m.group("upvotes") else None
    return PartialDate(year, month, day), upvotes


def _looks_like_abstract(line: str) -> bool:
    return len(line) > MAX_SHORT_ABSTRACT or line.rstrip().endswith((".", "!", ")"))


def parse_page(text: str, source: str) -> tuple[list[Entry], list[InputError]]:
    """All entries on a page, and the problems found (each naming ``source`` and a line)."""
    entries: list[Entry] = []
    problems: list[InputError] = []
    lines = list(_content_lines(text))
    current: Entry | None = None  # the entry metadata lines attach to
    i = 0
    while i < len(lines):
        lineno, line = lines[i]
        i += 1
        if _NOISE.match(line):
            continue
        if current is None and not entries and parse_date(line):
            continue  # the page's own date ("Mar 17") above the first entry
        if _apply_metadata(current, line):
            continue
        ident = parse_identifier(line)
        if ident:
            entry = Entry(source, lineno)
            if ident.scheme == "arxiv":
                entry.arxiv_id = ident.value
            else:
                entry.doi = ident.value
            entries.append(entry)
            current = None
            continue
        line = _GLUED_SUBSCRIBE.sub("", line) if not entries else line
        if len(line) > MAX_TITLE:
            problems.append(InputError(source, lineno, "text with no title before it; skipped"))
            continue
        entry = Entry(source, lineno, title=line)
        entries.append(entry)
        current = entry
        if i < len(lines):
            _, nxt = lines[i]
            follows = lines[i + 1][1] if i + 1 < len(lines) else ""
            # the next line is this entry's abstract unless it is itself a title of a following entry
            is_title = not _looks_like_abstract(nxt) and (len(follows) > MAX_SHORT_ABSTRACT)
            if not (_NOISE.match(nxt) or _is_metadata(nxt) or parse_identifier(nxt) or is_title):
                entry.abstract = nxt
                i += 1
    return entries, problems


def _content_lines(text: str) -> Iterator[tuple[int, str]]:
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = " ".join(raw.split())
        if line:
            yield lineno, line


def _is_metadata(line: str) -> bool:
    return bool(_AUTHORS.match(line) or _SEPARATOR.match(line) or parse_date(line))


def _apply_metadata(entry: Entry | None, line: str) -> bool:
    """Attach an author-count/separator/date line to ``entry``; False if ``line`` is not metadata."""
    if entry is None:
        return False
    m = _AUTHORS.match(line)
    if m:
        entry.author_count = int(m.group(1))
        return True
    if _SEPARATOR.match(line):
        return True
    parsed = parse_date(line)
    if parsed:
        entry.date, entry.upvotes = parsed
        return True
    return False
