"""Import .bib files (through bibscan's fast path, else bibtexparser): keys, fields, notes, keywords, own fields."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from readlist.errors import InputError
from readlist.ingest.bibscan import Record, scan
from readlist.ingest.identifiers import normalize_doi, split_arxiv_id
from readlist.model import Entry, PartialDate
from readlist.states import READ_STATES
from readlist.text import braces_balanced

# Fields readlist writes so that an export imports back unchanged; other tools ignore them.
STATE_FIELD = "readlist-state"
_MATH = re.compile(r"(?<!\\)\$[^$]*(?<!\\)\$")
_KNOWN = {
    "title", "author", "abstract", "doi", "eprint", "archiveprefix", "eprinttype", "year", "date",
    "keywords", "note", "url", "journal", "booktitle", "volume", "pages", STATE_FIELD,
    # written by readlist's own exporters; derived from the fields above, so not kept as extras
    "readlist-status", "key", "howpublished", "eprintclass", "primaryclass", "journaltitle", "month",
}  # fmt: skip
_AND = re.compile(r"\s+and\s+")
_PARAGRAPH = re.compile(r"\n\s*\n")
_LIST_SEPARATOR = re.compile("[,;]")
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}


# text-mode symbol commands that exporters (ours included) write for characters special to LaTeX
_SYMBOLS = {
    "textbraceleft": "{", "textbraceright": "}", "textless": "<", "textgreater": ">", "textbackslash": "\\",
    "textasciitilde": "~", "textasciicircum": "^", "textunderscore": "_", "textbar": "|",
    "textperiodcentered": "·", "textdollar": "$", "textbullet": "•", "textcopyright": "©", "textdegree": "°",
    "textdiv": "÷", "texteuro": "€", "textexclamdown": "¡", "textmu": "µ", "textpm": "±", "textquestiondown": "¿",
    "textregistered": "®", "texttimes": "×", "texttrademark": "™", "pounds": "£", "S": "§", "P": "¶", "dag": "†",
    "ddag": "‡",
}  # fmt: skip


_LIGATURES = (("--", "\ue000"), ("``", "\ue001"), ("''", "\ue002"))
# Every character pylatexenc gives a meaning to outside math but braces (the ligature marks included): a value
# without them decodes to itself, with balanced protective braces dropped and whitespace collapsed, so most fields
# (~95%) skip the parser.
_LATEX_CHARS = re.compile(r"[\\$%&~`\ue000-\ue002]")
# A group opened by a command, with no unescaped "$" or "%" or ligature mark: {\"u}, {\v{r}}, {\'\i}, {\relax Ł}.
# It decodes alone to what it gives in its value, so a value that is plain text around such groups (accented names
# as BibDesk, Google Scholar and readlist's BibTeX export write them) skips the parser but for its distinct groups.
_TOKEN = r"(?:\\(?:[A-Za-z]++|[^A-Za-z{}\\\ue000-\ue002])|[^\\{}$%\ue000-\ue002])"
_COMMAND_GROUP = re.compile(rf"(\{{(?=\\){_TOKEN}*+(?:\{{{_TOKEN}*+\}}{_TOKEN}*+)*+\}})")


@functools.cache
def _decoder() -> Callable[[str], str]:
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
    from pylatexenc.latexwalker import get_default_latex_context_db as parsing_context

    macros = [MacroTextSpec(name, text) for name, text in _SYMBOLS.items()]
    context = get_default_latex_context_db()
    context.add_context_category("readlist-symbols", prepend=True, macros=macros)
    to_text = LatexNodes2Text(latex_context=context, math_mode="verbatim", strict_latex_spaces=True)
    # the parser's default context, built once: LatexWalker would rebuild it for every value
    return functools.partial(to_text.latex_to_text, latex_context=parsing_context())


def latex_to_text(value: str) -> str:
    """Decode LaTeX to Unicode text (accents, escapes, protective braces), keeping ``$math$`` verbatim."""
    if "\\" in value and len(pieces := _COMMAND_GROUP.split(value)) > 1:
        return _around_groups(value, pieces)
    if not _LATEX_CHARS.search(value):
        text = value.replace("{", "").replace("}", "")
        if len(text) == len(value) or braces_balanced(value):  # plain text, or {Acronyms} in plain text
            return _collapse_spaces(text)
    return _decode(value)


def _around_groups(value: str, pieces: list[str]) -> str:
    """``latex_to_text(value)`` for a value split around command groups (at odd indexes of ``pieces``)."""
    outside = "".join(pieces[::2])
    if _LATEX_CHARS.search(outside) or not braces_balanced(outside):
        return _decode(value)
    text = "".join(_decode_group(p) if i % 2 else p.replace("{", "").replace("}", "") for i, p in enumerate(pieces))
    return _collapse_spaces(text)


def _collapse_spaces(text: str) -> str:
    """``" ".join(text.split())``, without splitting a text that has nothing to collapse (most abstracts)."""
    # a printable text has no whitespace but " "
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


@functools.lru_cache(maxsize=8192)  # author names and venues recur across a library
def _decode(value: str) -> str:
    """pylatexenc's decoding of ``value``, with its ``$math$`` kept verbatim."""
    out, pos = [], 0
    for m in _MATH.finditer(value):
        out.append(_decode_text(value[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_decode_text(value[pos:]))
    return " ".join("".join(out).split())


def _decode_text(text: str) -> str:
    """pylatexenc's decoding of ``text`` (no math), whitespace as it is; text it cannot decode stays as typed."""
    # keep -- and quote pairs as typed: they are text here, not LaTeX ligatures to convert
    marked = text
    for seq, mark in _LIGATURES:
        marked = marked.replace(seq, mark)
    try:
        marked = _decoder()(marked)
    except Exception:  # pylatexenc fails inside on some macros used without their arguments (`\date`, `\href x`)
        return text
    for seq, mark in _LIGATURES:
        marked = marked.replace(mark, seq)
    return marked


_decode_group = functools.lru_cache(maxsize=4096)(_decode_text)  # a library has few distinct command groups


def display_name(name: str) -> str:
    """``"Knuth, Donald E."`` -> ``"Donald E. Knuth"``; names with a suffix keep the BibTeX form."""
    last, comma, first = name.partition(",")
    if comma and "," not in first and (first := first.strip()) and (last := last.strip()):
        return f"{first} {last}"
    return name.strip()


def _split_list(value: str) -> list[str]:
    """Items separated by "," or ";" outside braces (a braced item keeps its commas)."""
    if "{" not in value and "}" not in value:
        return [v.strip() for v in _LIST_SEPARATOR.split(value) if v.strip()]
    items, depth, start = [], 0, 0
    for i, ch in enumerate(value):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if ch in ",;" and depth == 0:
            items.append(value[start:i])
            start = i + 1
    items.append(value[start:])
    return [v.strip() for v in items if v.strip()]


def parse_bib(text: str, source: str) -> tuple[list[Entry], list[InputError]]:
    """Entries of a .bib file; broken blocks and duplicate keys are reported and skipped."""
    records = scan(text)  # the fast path, for files bibtexparser would read the same way
    if records is None:
        return _entries(*_bibtexparser_records(text, source), source)
    return _entries(records, [], source)


def _bibtexparser_records(text: str, source: str) -> tuple[list[Record], list[InputError]]:
    """The entries bibtexparser reads in ``text``, and its failed blocks as problems."""
    import bibtexparser

    library = bibtexparser.parse_string(text)
    problems = [InputError(source, block.start_line + 1, _failure(block)) for block in library.failed_blocks]
    records = [
        Record(bib.entry_type.lower(), bib.key, [(f.key.lower(), str(f.value)) for f in bib.fields], bib.start_line + 1)
        for bib in library.entries
    ]
    return records, problems


def _entries(records: list[Record], problems: list[InputError], source: str) -> tuple[list[Entry], list[InputError]]:
    """Records as entries, fields inherited through ``crossref``; an entry that cannot be one is a problem."""
    by_key = {r.key: r.fields for r in records if r.key}
    entries = []
    for entry_type, key, pairs, line in records:
        fields = dict(pairs)
        parent = by_key.get(fields.get("crossref", ""))
        if parent is not None:
            for name, value in parent:
                fields.setdefault(name, value)
        try:
            entries.append(_to_entry(entry_type, key, fields, source, line))
        except ValueError as exc:
            problems.append(InputError(source, line, f"entry {key or '(no key)'}: {exc}"))
    return entries, problems


def _failure(block: object) -> str:
    from bibtexparser import model

    if isinstance(block, model.DuplicateBlockKeyBlock):
        return f"duplicate key {block.key!r}; the first entry with it is kept"
    if isinstance(block, model.DuplicateFieldKeyBlock):
        fields = ", ".join(sorted(block.duplicate_keys))
        return f"entry {block.ignore_error_block.key!r} repeats a field ({fields}); skipped"
    return "BibTeX block could not be parsed (unbalanced braces or quotes?); skipped"


def _to_entry(entry_type: str, key: str, fields: dict[str, str], source: str, line: int) -> Entry:
    title = latex_to_text(fields.get("title", ""))
    arxiv = None
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").lower()
    if fields.get("eprint") and prefix in ("arxiv", ""):
        arxiv = split_arxiv_id(fields["eprint"])
    doi = normalize_doi(fields["doi"]) if fields.get("doi") else None
    if not title and not arxiv and not doi:
        raise ValueError("has no title, eprint or doi")
    state = fields.get(STATE_FIELD)
    if state is not None and state not in READ_STATES:
        raise ValueError(f"{STATE_FIELD} must be one of {', '.join(READ_STATES)}, not {state!r}")
    authors = [display_name(latex_to_text(a)) for a in _AND.split(fields.get("author", "")) if a.strip()]
    notes = [latex_to_text(n) for n in _PARAGRAPH.split(fields["note"])] if fields.get("note") else []
    if "readlist-status" in fields and notes[:1] == ["unresolved"]:
        notes = notes[1:]  # the marker readlist's export writes first, not a note of the user's
    return Entry(
        source_file=source,
        source_line=line,
        title=title or None,
        abstract=latex_to_text(fields["abstract"]) if fields.get("abstract") else None,
        authors=authors,
        author_count=len(authors) or None,
        date=_date(fields),
        arxiv_id=arxiv[0] if arxiv else None,
        doi=doi,
        key=key or None,
        entry_type=entry_type,
        venue=latex_to_text(fields.get("booktitle") or fields.get("journal") or "") or None,
        fields={k: v for k, v in fields.items() if k not in _KNOWN and k != "crossref"}
        | {k: fields[k] for k in ("url", "volume", "pages") if fields.get(k)},
        notes=[n for n in notes if n],
        tags=[latex_to_text(t) for t in _split_list(fields.get("keywords", ""))],
        state=state,
    )


def _date(fields: dict[str, str]) -> PartialDate | None:
    if fields.get("date"):
        try:
            return PartialDate.from_iso(fields["date"])
        except ValueError:
            pass
    year = fields.get("year", "").strip()
    if not year.isdigit():
        return None
    month = _MONTHS.get(fields.get("month", "").strip().lower()[:3])
    return PartialDate(int(year), month)
