"""Property tests (hypothesis) for the writers: no text in any field breaks a BibTeX file or a Markdown list.

"Same text" after a BibTeX round trip (export, then readlist's importer ``parse_bib``) means ``same_text``:
Unicode NFC, whitespace runs (Python's ``str.split``: NEL and U+2028 too) collapsed to one space and trimmed
(the importer does this for every field), control characters read as spaces and other invisible format
characters (Unicode category C: RTL marks, zero-width joiners, ...) dropped, because pdflatex has no glyph for
them and the exporter leaves them out. A name is the same when the importer reads back the parts the exporter
split it into (``keys.parse_name``), by BibTeX's rules.
``--ascii`` output is only checked to parse: it writes Greek letters as math and dashes and quotes as TeX
ligatures, which the importer keeps as typed.
"""

from __future__ import annotations

import io
import re
import unicodedata

import bibtexparser
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from pybtex.database import parse_string

from readlist.export import get_exporter
from readlist.export.base import ExportOptions
from readlist.ingest.bibtex import parse_bib
from readlist.keys import parse_name
from readlist.model import Note, Paper

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Any text: every script, LaTeX and Markdown specials, control characters, RTL marks, unbalanced braces.
SPECIALS = "}{@%\\$#&_~^<>[]()*`|!-+=.:;,\"' \t\n\u200f\u200e\u202e\u200d\x00\x07\x1b"
any_text = st.text(st.one_of(st.characters(blacklist_categories=("Cs",)), st.sampled_from(SPECIALS)), max_size=60)
long_text = st.text(st.sampled_from("ab {}%$\\#@ \n"), min_size=1000, max_size=2500)  # very long lines
field_text = st.one_of(any_text, any_text, long_text)


def same_text(text: str) -> str:
    text = " ".join(unicodedata.normalize("NFC", text).split())  # Python's whitespace: NEL, U+2028 too
    text = "".join(
        " " if ch.isascii() and not ch.isprintable() else ch
        for ch in text
        if ch.isascii() or unicodedata.category(ch)[0] != "C"
    )
    return " ".join(text.split())


visible = any_text.filter(lambda s: same_text(s) != "")
tag_text = any_text.map(str.strip).filter(lambda s: same_text(s) != "")
name_text = any_text.filter(lambda s: same_text(s) != "" and "," not in s)  # a comma splits a name


@st.composite
def papers(draw: st.DrawFn) -> Paper:
    status = draw(st.sampled_from(["matched", "pending", "unresolved"]))
    return Paper(
        0,
        "k" + str(draw(st.integers(0, 10**6))),
        draw(st.one_of(visible, long_text)),
        draw(st.lists(name_text, max_size=4)),
        abstract=draw(st.none() | field_text),
        year=draw(st.none() | st.integers(1900, 2100)),
        status=status,
        venue=draw(st.none() | visible),
        entry_type=draw(st.sampled_from([None, "inproceedings", "article"])),
        state=draw(st.sampled_from(["unread", "reading", "read"])),
        tags=sorted(set(draw(st.lists(tag_text, max_size=4)))),
        notes=[Note(t, "2024-01-01") for t in draw(st.lists(field_text, max_size=3))],
    )


def export(paper_list: list[Paper], fmt: str, **options: object) -> str:
    out = io.StringIO()
    get_exporter(fmt).write(paper_list, out, ExportOptions(**options))  # type: ignore[arg-type]
    return out.getvalue()


def names(authors: list[str]) -> list[tuple[str, str, str, str]]:
    """The parts the exporter splits each name into (a corporate name is all "last")."""
    out = []
    for a in authors:
        if same_text(a):
            p = parse_name(same_text(a))
            out.append(("", "", p.literal, "") if p.literal else (p.first, p.von, p.last, p.jr))
    return out


@SETTINGS
@given(st.lists(papers(), min_size=1, max_size=3, unique_by=lambda p: p.key))
@example([Paper(0, "k", "T", tags=["a, b", ";"], notes=[Note("unresolved", "t")], status="pending")])
@example([Paper(0, "k", "$\\{}$ and $x\\$ and $x$", abstract="$\\{}$", status="matched")])
@example([Paper(0, "k", "Why?` Now!`", ["?` A"], tags=["?`"], status="matched")])  # TeX ligatures for ¿ ¡
@example([Paper(0, "k", "@misc{x} @ (y) $a@{b}$", abstract="a @{b}", notes=[Note("@misc(z", "t")], status="matched")])
def test_bibtex_gives_back_the_same_text(paper_list: list[Paper]) -> None:
    text = export(paper_list, "bibtex")
    parsed = parse_bib(text, "out.bib")
    entries, problems = parsed.entries, parsed.problems
    assert problems == []
    assert [e.key for e in entries] == [p.key for p in paper_list]
    for paper, entry in zip(paper_list, entries, strict=True):
        assert entry.title == same_text(paper.title)
        assert [(p.first, p.von, p.last, p.jr) for p in entry.author_parts] == names(paper.authors)
        assert (entry.abstract or "") == same_text(paper.abstract or "")
        assert entry.tags == [same_text(t) for t in paper.tags]
        # a note comes back with its lines (white space collapsed in each, blank lines dropped)
        assert [same_text(n) for n in entry.notes] == [same_text(n.text) for n in paper.notes if same_text(n.text)]
        assert entry.state == paper.state
        published = paper.status == "matched" and paper.venue
        assert (entry.venue or "") == (same_text(paper.venue or "") if published else "")
    assert not bibtexparser.parse_string(text).failed_blocks
    assert sorted(parse_string(text, "bibtex").entries) == sorted(p.key for p in paper_list)


@SETTINGS
@given(st.lists(papers(), min_size=1, max_size=3, unique_by=lambda p: p.key), st.booleans())
def test_every_flavour_parses_cleanly(paper_list: list[Paper], ascii: bool) -> None:
    for fmt in ("bibtex", "biblatex"):
        text = export(paper_list, fmt, ascii=ascii)
        lib = bibtexparser.parse_string(text)
        assert not lib.failed_blocks
        assert [e.key for e in lib.entries] == [p.key for p in paper_list]
        assert sorted(parse_string(text, "bibtex").entries) == sorted(p.key for p in paper_list)
        parsed = parse_bib(text, "out.bib")
        assert parsed.problems == [] and len(parsed.entries) == len(paper_list)


def list_items(tokens: list) -> list[int]:
    """Indexes of the top-level list items."""
    depth, items = 0, []
    for i, tok in enumerate(tokens):
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif tok.type == "list_item_open" and depth == 1:
            items.append(i)
    return items


@SETTINGS
@given(
    st.lists(papers(), min_size=1, max_size=4, unique_by=lambda p: p.key),
    st.sampled_from(["status", "tag", "year"]),
    st.booleans(),
)
def test_markdown_keeps_one_checkbox_per_paper(paper_list: list[Paper], group_by: str, abstract: bool) -> None:
    for i, paper in enumerate(paper_list):
        paper.arxiv_id = f"2401.{i:05d}" if i % 2 else None
        paper.url = None
    text = export(paper_list, "markdown", group_by=group_by, abstract=abstract)
    md = MarkdownIt("commonmark")
    tokens = md.parse(text)
    if group_by == "tag":
        groups = {t for p in paper_list for t in p.tags} | ({""} if any(not p.tags for p in paper_list) else set())
        copies = [len(p.tags) or 1 for p in paper_list]  # a paper is listed under each of its tags
    else:
        groups = {p.state if group_by == "status" else p.year for p in paper_list}
        copies = [1] * len(paper_list)
    # headings only where the exporter puts them: the title, then one per group
    assert [t.tag for t in tokens if t.type == "heading_open"] == ["h1"] + ["h2"] * len(groups)
    items = list_items(tokens)
    assert len(items) == sum(copies)
    lines = [tokens[i + 2].content for i in items]  # the first line of each item
    assert all(re.match(r"\[[ x]\] ", line) for line in lines)
    assert sum(line.startswith("[x] ") for line in lines) == sum(
        n for p, n in zip(paper_list, copies, strict=True) if p.state == "read"
    )
    hrefs = re.findall(r'href="([^"]*)"', md.render(text))
    linked = sum(n for p, n in zip(paper_list, copies, strict=True) if p.arxiv_id)
    assert sorted(hrefs) == sorted(
        f"https://arxiv.org/{kind}/{p.arxiv_id}"
        for p, n in zip(paper_list, copies, strict=True)
        if p.arxiv_id
        for kind in ("abs", "pdf")
        for _ in range(n)
    )
    assert linked * 2 == len(hrefs)
