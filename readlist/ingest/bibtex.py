"""Import .bib files: each entry is kept as the user's record (type, key, every field as written, in order), plus
the decoded text readlist searches and matches on (title, names, date, identifiers, venue, notes, keywords).

What the reader keeps and expands is said in `readlist.ingest.bibscan`; decoding in `readlist.latex`;
names in `readlist.ingest.names`. Problems that cost an entry are errors; everything else that is odd (a repeated
field, a date that is not one, a macro the file does not define, a repeated key) is a one-line warning, and the
entry is kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from readlist.errors import InputError
from readlist.identifiers import normalize_doi, split_arxiv_id
from readlist.ingest.bibscan import MONTH_NAMES, MONTHS, Block, Field, scan
from readlist.ingest.names import decoded_names
from readlist.latex import latex_to_text
from readlist.model import BibRecord, Entry, PartialDate
from readlist.states import READ_STATES

Warn = Callable[[str], None]  # says what is wrong with the entry being read

# readlist's own fields: other tools ignore them; they hold state, not the user's record
STATE_FIELD = "readlist-state"
STATUS_FIELD = "readlist-status"
ALIAS_FIELD = "readlist-alias-of"  # a copy readlist wrote of a paper's entry under one of its aliases
OWN_FIELDS = (STATE_FIELD, STATUS_FIELD)
NOTES_FIELD = "annote"  # user notes, one paragraph each (Zotero makes each entry's annote a child note)
VERBATIM = ("url", "doi", "eprint")  # read as URLs and identifiers: only escapes are undone
_PARAGRAPH = re.compile(r"\n\s*\n")
_LINE = "\ue010"  # a line break, kept through decoding (which reads white space as one space)
_LIST_SEPARATOR = re.compile("[,;]")
_YEAR = re.compile(r"(?<!\d)(-?\d{4})(?!\d)")
_EDTF = re.compile(r"^(-?\d{4}|\d{4}X{0,2}|\d{2}XX)(?:-(\d{2})(?:-(\d{2}))?)?[?~%]?$")
_ISO_TIME = re.compile(r"T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?$")
_VERBATIM_ESCAPE = re.compile(r"\\([_%#&$~{}])|\{\\([_%#&$])\}|\\textunderscore\{\}|\\textasciitilde\{\}")


@dataclass
class BibFile:
    """What a .bib file holds for readlist."""

    entries: list[Entry] = field(default_factory=list)
    problems: list[InputError] = field(default_factory=list)
    warnings: list[InputError] = field(default_factory=list)
    preambles: list[str] = field(default_factory=list)  # @preamble values, as expressions to write back
    aliases: list[tuple[str, str]] = field(default_factory=list)  # (alias, key of its paper)


def verbatim_text(value: str) -> str:
    """A URL, DOI or eprint as other tools write it (``a\\_b``, ``{\\%}20``) read as the text it stands for."""
    if "\\" not in value and "{" not in value:
        return value.strip()
    value = _VERBATIM_ESCAPE.sub(
        lambda m: m.group(1) or m.group(2) or ("_" if "underscore" in m.group(0) else "~"), value
    )
    return value.replace("{", "").replace("}", "").strip()


def split_keywords(value: str) -> list[str]:
    """Keywords separated by "," or ";" outside braces (a braced keyword keeps its commas), decoded."""
    if "{" not in value and "}" not in value:
        items = _LIST_SEPARATOR.split(value)
    else:
        items, depth, start = [], 0, 0
        for i, ch in enumerate(value):
            depth += {"{": 1, "}": -1}.get(ch, 0)
            if ch in ",;" and depth == 0:
                items.append(value[start:i])
                start = i + 1
        items.append(value[start:])
    return [t for t in (latex_to_text(v) for v in items) if t]


def note_paragraphs(value: str) -> list[str]:
    """A notes field's notes: one per paragraph (blank lines between), decoded; the line breaks inside one stay
    (readlist's export writes a note's own paragraphs as lines, which Zotero shows as line breaks)."""
    notes = []
    for paragraph in _PARAGRAPH.split(value):
        text = latex_to_text(paragraph.strip().replace("\n", _LINE))
        lines = [line.strip() for line in text.split(_LINE)]
        if any(lines):
            notes.append("\n".join(line for line in lines if line))
    return notes


def parse_bib(text: str, source: str) -> BibFile:
    """Every entry of a .bib file; blocks that cannot be read are problems, oddities warnings."""
    scanned = scan(text)
    out = BibFile()
    out.problems = [InputError(source, line, message) for line, message in scanned.problems]
    entries = [b for b in scanned.blocks if b.type != "preamble"]
    out.preambles = [b.value for b in scanned.blocks if b.type == "preamble"]
    by_key: dict[str, Block] = {}
    for block in entries:
        if block.key:
            by_key.setdefault(block.key.lower(), block)
    first_line: dict[str, int] = {}
    for block in entries:
        named: dict[str, Field] = {}  # lower-case name -> the field (a repeated one is not in block.fields)
        for f in block.fields:
            named[f.name.lower()] = f
        warn = _warner(out, source, block)
        for message in block.warnings:
            warn(message)
        key = block.key or None
        if key is not None:
            seen = first_line.get(key.lower())
            if seen is None:
                first_line[key.lower()] = block.line
            elif _same(by_key[key.lower()], block):
                warn(f"repeats the entry at line {seen} exactly; kept once")
                continue
            else:
                warn(f"repeats the key of the entry at line {seen} (BibTeX ignores this one); kept under a new key")
                key = None
        target = named.get(ALIAS_FIELD)
        if target is not None and key is not None:
            out.aliases.append((key, target.value.strip()))
            continue
        ids = named.get("ids")  # biblatex's aliases of this entry's key
        if ids is not None and key is not None:
            out.aliases += [(a, key) for a in (a.strip() for a in ids.value.split(",")) if a and a != key]
        parent = None
        crossref = named.get("crossref")
        if crossref is not None and crossref.value.strip():
            parent = by_key.get(crossref.value.strip().lower())
            if parent is None:
                warn(f"crossref {crossref.value.strip()!r} names no entry in this file; the field is kept")
        out.entries.append(_to_entry(block, named, key, parent, source, warn))
    if scanned.comments:
        out.warnings.append(
            InputError(source, None, f"{scanned.comments} @comment block(s) not imported (BibTeX ignores them too)")
        )
    return out


def _warner(out: BibFile, source: str, block: Block) -> Warn:
    label = f"entry {block.key!r}" if block.key else "entry (no key)"

    def warn(message: str) -> None:
        out.warnings.append(InputError(source, block.line, f"{label}: {message}"))

    return warn


def _same(a: Block, b: Block) -> bool:
    return a.type.lower() == b.type.lower() and a.fields == b.fields


def _to_entry(
    block: Block, own: dict[str, Field], key: str | None, parent: Block | None, source: str, warn: Warn
) -> Entry:
    fields = dict(own)
    if parent is not None:  # what BibTeX inherits through crossref, for matching and display
        for f in parent.fields:
            fields.setdefault(f.name.lower(), f)
        if "booktitle" not in fields and "title" in {f.name.lower() for f in parent.fields}:
            fields["booktitle"] = next(f for f in parent.fields if f.name.lower() == "title")

    def text(name: str) -> str:
        f = fields.get(name)
        return latex_to_text(f.value) if f is not None else ""

    def raw(name: str) -> str:
        f = fields.get(name)
        return f.value if f is not None else ""

    kept = (
        block.fields
        if not (STATE_FIELD in own or STATUS_FIELD in own)
        else [f for f in block.fields if f.name.lower() not in OWN_FIELDS]
    )
    notes: list[str] = []
    if NOTES_FIELD in own:
        notes = note_paragraphs(own[NOTES_FIELD].value)
    elif STATUS_FIELD in own and "note" in own and _PARAGRAPH.split(own["note"].value)[0].strip() == "unresolved":
        # a pending paper exported by an earlier readlist: its `note` held "unresolved", then readlist's notes
        notes = note_paragraphs(own["note"].value)[1:]
        kept = [f for f in kept if f.name.lower() != "note"]
    state = own[STATE_FIELD].value.strip() if STATE_FIELD in own else None
    if state is not None and state not in READ_STATES:
        warn(f"{STATE_FIELD} {state!r} is not one of {', '.join(READ_STATES)}; the paper is unread")
        state = None
    eprint = verbatim_text(raw("eprint"))
    prefix = (raw("archiveprefix") or raw("eprinttype")).strip().lower()
    arxiv = None
    if eprint and prefix in ("arxiv", ""):
        arxiv = split_arxiv_id(re.sub(r"^arxiv:\s*", "", eprint, flags=re.IGNORECASE))
    doi = normalize_doi(verbatim_text(raw("doi"))) if raw("doi").strip() else None
    if doi and arxiv and doi == f"10.48550/arxiv.{arxiv[0]}":
        doi = None  # the arXiv id again, as DataCite's DOI (the entry keeps the field as written)
    names = decoded_names(raw("author"))
    title = text("title")
    return Entry(
        source_file=source,
        source_line=block.line,
        title=title or None,
        abstract=text("abstract") or None,
        authors=[n.display for n in names],
        author_parts=names,
        author_count=len(names) or None,
        date=_date(fields, warn),
        arxiv_id=arxiv[0] if arxiv else None,
        doi=doi or None,
        key=key,
        entry_type=block.type.lower(),
        venue=text("booktitle") or text("journal") or text("journaltitle") or None,
        fields={
            name: value
            for name, value in (
                ("url", verbatim_text(raw("url"))),
                ("volume", text("volume")),
                ("pages", text("pages")),
            )
            if value
        },
        notes=notes,
        tags=split_keywords(raw("keywords")),
        state=state,
        bib=BibRecord(block.type, [(f.name, f.value, f.expression) for f in kept]),
        label=title or text("booktitle") or text("journal") or key or block.type.lower(),
    )


def _date(fields: dict[str, Field], warn: Warn) -> PartialDate | None:
    """The date a .bib entry gives: biblatex's ``date`` (EDTF, the start of a range), else ``year``/``month``.
    One that cannot be read is kept as written, with a warning."""
    date = fields.get("date")
    if date is not None:
        value = latex_to_text(date.value)
        start = _ISO_TIME.sub("", value.split("/")[0].strip())
        m = _EDTF.match(start)
        if m and m.group(1)[:4].lstrip("-").isdigit():
            month = int(m.group(2)) if m.group(2) else None
            day = int(m.group(3)) if m.group(3) and month and month <= 12 else None
            return PartialDate(int(m.group(1)[:4]), month if month and month <= 12 else None, day)
        if start not in ("", ".."):  # an open start ("../2020") is a date without a start
            warn(f"date {value!r} is not an ISO 8601 / EDTF date; kept as written")
    year_field = fields.get("year")
    if year_field is None:
        return None
    year_text = latex_to_text(year_field.value)
    m = _YEAR.search(year_text)
    if not m:
        if year_text:
            warn(f"year {year_text!r} has no year number; kept as written")
        return None
    month_field = fields.get("month")
    month = _month(latex_to_text(month_field.value)) if month_field is not None else None
    if month_field is not None and month is None and month_field.value.strip().isdigit():
        warn(f"month {month_field.value!r} is not a month number (1-12); kept as written")
    return PartialDate(int(m.group(1)), month)


def _month(text: str) -> int | None:
    text = text.strip().rstrip(".").lower()
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    for i, name in enumerate(MONTH_NAMES):
        if text == name.lower() or (len(text) >= 3 and name.lower().startswith(text)) or text == MONTHS[i]:
            return i + 1
    m = re.search(r"\b(" + "|".join(MONTHS) + r")[a-z]*\b", text)
    return MONTHS.index(m.group(1)) + 1 if m else None
