"""Lines of arXiv's metadata snapshot as index rows (the schema: docs/formats.md, ../shared/docs/apis.md §4).

One JSON object per line: ``id``, ``title``, ``authors`` (one string as typed) and ``authors_parsed`` (``[last,
first, suffix]`` triples), ``abstract``, ``categories``, ``doi``, ``journal-ref``, ``versions`` (``[{version,
created}]`` with RFC 2822 dates) and ``update_date``. Titles and abstracts keep their LaTeX; line breaks and runs
of spaces are collapsed, as the arXiv API client does.
"""

from __future__ import annotations

import json
import re

from readlist.identifiers import bare_arxiv_id, split_arxiv_id
from readlist.index.schema import AUTHOR_SEPARATOR, IndexRow

_MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), start=1)}
_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")
_PARENTHESES = re.compile(r"\([^()]*\)")
_AUTHOR_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*;\s*")


class BadLine(ValueError):
    """A snapshot line that is not a usable record; the message says why."""


def text(value: object) -> str | None:
    """A string field with line breaks and runs of spaces collapsed; None when absent, empty or not a string."""
    return (" ".join(value.split()) or None) if isinstance(value, str) else None


def rfc2822_date(value: object) -> str | None:
    """``"Mon, 2 Apr 2007 19:18:42 GMT"`` -> ``"2007-04-02"`` (arXiv's version dates); None when unreadable."""
    if not isinstance(value, str):
        return None
    parts = value.replace(",", " ").split()
    if len(parts) >= 4 and parts[0].isalpha():
        parts = parts[1:]  # the weekday
    try:
        day, month, year = int(parts[0]), _MONTHS[parts[1][:3].title()], int(parts[2])
    except (IndexError, KeyError, ValueError):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= day <= 31 and 1000 <= year <= 9999 else None


def split_authors(value: str) -> list[str]:
    """Names from an author string as submitters type it ("A. Smith, B. Jones (MIT) and C. Lee"): affiliations
    in parentheses dropped, split at commas, semicolons and "and"."""
    prev = None
    while prev != value:
        prev, value = value, _PARENTHESES.sub(" ", value)
    return [name for part in _AUTHOR_SPLIT.split(value) if (name := " ".join(part.split()))]


def name(last: object, first: object = None, suffix: object = None) -> str:
    """``"Forenames Keyname Suffix"`` from the parts arXiv keeps (missing parts left out)."""
    return " ".join(p for part in (first, last, suffix) if isinstance(part, str) and (p := " ".join(part.split())))


def arxiv_id(value: object) -> str:
    """The bare form of an arXiv id a record gives; BadLine when it is not one."""
    parsed = split_arxiv_id(value) if isinstance(value, str) else None
    if parsed is None:
        raise BadLine(f"id {value!r} is not an arXiv id" if value else "no id")
    return bare_arxiv_id(parsed[0])


def _authors(record: dict[str, object]) -> str:
    parsed = record.get("authors_parsed")
    names: list[str] = []
    if isinstance(parsed, list):
        names = [name(*parts[:3]) for parts in parsed if isinstance(parts, list) and parts]
    authors = record.get("authors")
    if not any(names) and isinstance(authors, str):
        names = split_authors(authors)
    return AUTHOR_SEPARATOR.join(n for n in names if n)


def version_number(label: object, count: int) -> int | None:
    """``"v3"`` -> 3; the number of versions when the label is unreadable; None when there are none."""
    if isinstance(label, str) and label[1:].isdigit():
        return int(label[1:])
    return count or None


def parse_line(line: bytes | str) -> tuple[IndexRow, str | None]:
    """The index row for one snapshot line, and the record's ``update_date`` (None when absent or malformed)."""
    try:
        record = json.loads(line)
    except ValueError as exc:  # JSONDecodeError, or bytes that are not UTF-8
        raise BadLine(f"not JSON ({getattr(exc, 'msg', None) or type(exc).__name__})") from None
    if not isinstance(record, dict):
        raise BadLine("not a JSON object")
    ident = arxiv_id(record.get("id"))
    title = text(record.get("title"))
    if not title:
        raise BadLine(f"{ident}: no title")
    versions = record.get("versions")
    versions = [v for v in versions if isinstance(v, dict)] if isinstance(versions, list) else []
    stamp = record.get("update_date")
    row = IndexRow(
        id=ident,
        title=title,
        authors=_authors(record),
        abstract=text(record.get("abstract")),
        published=rfc2822_date(versions[0].get("created")) if versions else None,
        updated=rfc2822_date(versions[-1].get("created")) if versions else None,
        version=version_number(versions[-1].get("version") if versions else None, len(versions)),
        categories=text(record.get("categories")),
        doi=text(record.get("doi")),
        journal_ref=text(record.get("journal-ref")),
    )
    return row, stamp if isinstance(stamp, str) and _ISO_DATE.fullmatch(stamp) else None
