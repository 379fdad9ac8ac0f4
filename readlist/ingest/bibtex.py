"""Import .bib files through bibtexparser: keys, fields, notes, keywords and readlist's own fields."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from readlist.errors import InputError
from readlist.ingest.identifiers import normalize_doi, split_arxiv_id
from readlist.model import READ_STATES, Entry, PartialDate

# Fields readlist writes so that an export imports back unchanged; other tools ignore them.
STATE_FIELD = "readlist-state"
_MATH = re.compile(r"(?<!\\)\$[^$]*(?<!\\)\$")
_KNOWN = {
    "title", "author", "abstract", "doi", "eprint", "archiveprefix", "eprinttype", "year", "date",
    "keywords", "note", "url", "journal", "booktitle", "volume", "pages", STATE_FIELD,
    # written by readlist's own exporters; derived from the fields above, so not kept as extras
    "readlist-status", "key", "howpublished", "eprintclass", "primaryclass", "journaltitle", "month",
}  # fmt: skip
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
    if not _LATEX_CHARS.search(value):
        text = value.replace("{", "").replace("}", "")
        if len(text) == len(value) or _balanced(value):  # plain text, or {Acronyms} in plain text
            return " ".join(text.split())
    return _decode(value)


def _balanced(value: str) -> bool:
    """Whether every brace in ``value`` closes a group it opened."""
    depth = 0
    for ch in value:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


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
    # keep -- and quote pairs as typed: they are text here, not LaTeX ligatures to convert
    for seq, mark in _LIGATURES:
        text = text.replace(seq, mark)
    text = _decoder()(text)
    for seq, mark in _LIGATURES:
        text = text.replace(mark, seq)
    return text


def display_name(name: str) -> str:
    """``"Knuth, Donald E."`` -> ``"Donald E. Knuth"``; names with a suffix keep the BibTeX form."""
    parts = [p.strip() for p in name.split(",")]
    if len(parts) == 2 and all(parts):
        return f"{parts[1]} {parts[0]}"
    return name.strip()


def _split_list(value: str) -> list[str]:
    """Items separated by "," or ";" outside braces (a braced item keeps its commas)."""
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
    import bibtexparser

    library = bibtexparser.parse_string(text)
    problems = [InputError(source, block.start_line + 1, _failure(block)) for block in library.failed_blocks]
    by_key = {e.key: e for e in library.entries if e.key}
    entries = []
    for bib in library.entries:
        fields = {f.key.lower(): str(f.value) for f in bib.fields}
        parent = by_key.get(fields.get("crossref", ""))
        if parent is not None:
            for f in parent.fields:
                fields.setdefault(f.key.lower(), str(f.value))
        try:
            entries.append(_to_entry(bib.entry_type.lower(), bib.key, fields, source, bib.start_line + 1))
        except ValueError as exc:
            problems.append(InputError(source, bib.start_line + 1, f"entry {bib.key or '(no key)'}: {exc}"))
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
    authors = [display_name(latex_to_text(a)) for a in re.split(r"\s+and\s+", fields.get("author", "")) if a.strip()]
    notes = [latex_to_text(n) for n in re.split(r"\n\s*\n", fields.get("note", ""))]
    if "readlist-status" in fields and notes[0] == "unresolved":
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
