"""Markdown export: one checkbox per paper, well-formed links, nothing in a paper's text breaks the list."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from readlist.errors import ReadlistError
from readlist.export import get_exporter
from readlist.export.base import ExportOptions
from readlist.model import Note, Paper
from tests.latex.library import HOSTILE, hostile_library


def render(papers: list[Paper], **options: object) -> str:
    out = io.StringIO()
    get_exporter("markdown").write(papers, out, ExportOptions(**options))  # type: ignore[arg-type]
    return out.getvalue()


def items(text: str) -> list[str]:
    """The inline source of every top-level list item's first line, as markdown-it parses the document."""
    tokens = MarkdownIt("commonmark").parse(text)
    out, depth = [], 0
    for i, tok in enumerate(tokens):
        if tok.type == "bullet_list_open":
            depth += 1
        elif tok.type == "bullet_list_close":
            depth -= 1
        elif tok.type == "list_item_open" and depth == 1:
            out.append(tokens[i + 2].content)
    return out


def test_every_paper_once_with_one_checkbox_and_well_formed_links() -> None:
    papers = hostile_library()
    text = render(papers)
    entries = items(text)
    assert len(entries) == len(papers)
    assert all(re.match(r"^\[[ x]\] ", e) for e in entries)
    assert sum(e.startswith("[x]") for e in entries) == sum(p.state == "read" for p in papers)
    html = MarkdownIt("commonmark").render(text)
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and all(re.match(r"^https://(arxiv\.org|doi\.org)/", h) for h in hrefs)
    assert "<b>" not in html and "<script" not in html  # specials in titles, notes and abstracts stay text
    assert text == render(papers)


def test_paper_line_shows_authors_venue_tags_notes_and_abstract() -> None:
    paper = Paper(
        0,
        "k",
        "A Title",
        ["A One", "B Two", "C Three", "D Four"],
        abstract="Synthetic abstract.",
        year=2024,
        arxiv_id="2402.15567",
        status="matched",
        venue="ICLR",
        entry_type="inproceedings",
        tags=["offline rl", "2024"],
        notes=[Note("- first\nsecond", "t")],
        state="read",
    )
    text = render([paper], et_al=2)
    assert "- [x] [A Title](<https://arxiv.org/abs/2402.15567>) ([PDF](<https://arxiv.org/pdf/2402.15567>))" in text
    assert "A One, B Two et al. · ICLR 2024 · #offline-rl #t2024" in text
    assert "  > \\- first\n  > second" in text
    assert "<details><summary>Abstract</summary>" in text
    assert "<details>" not in render([paper], abstract=False)


def test_hostile_text_is_escaped() -> None:
    paper = Paper(0, "k", HOSTILE, notes=[Note(HOSTILE, "t")], abstract=HOSTILE, state="unread")
    text = render([paper])
    assert len(items(text)) == 1
    html = MarkdownIt("commonmark").render(text)
    assert "<b>" not in html and "<a " not in html


@pytest.mark.parametrize(
    ("group_by", "headings"),
    [
        ("status", ["Reading", "To read", "Read"]),
        ("year", ["2024", "2023", "2022", "Undated"]),
    ],
)
def test_grouping(group_by: str, headings: list[str]) -> None:
    text = render(hostile_library(), group_by=group_by)
    assert re.findall(r"^## (.*)$", text, re.MULTILINE) == headings


def test_group_by_tag_lists_a_paper_under_each_tag() -> None:
    papers = [Paper(0, "a", "A", tags=["rl", "vision"]), Paper(0, "b", "B")]
    text = render(papers, group_by="tag")
    assert re.findall(r"^## (.*)$", text, re.MULTILINE) == ["rl", "vision", "Untagged"]
    assert len(items(text)) == 3


def test_custom_template(tmp_path: Path) -> None:
    template = tmp_path / "t.md"
    template.write_text("<!-- group -->\n### $group\n<!-- paper -->\n* [$check] $key: $title\n", encoding="utf-8")
    text = render([Paper(0, "k1", "T*1", state="read")], template=template)
    assert text == "### Read\n* [x] k1: T\\*1\n\n"
    template.write_text("<!-- paper -->\n$nope\n", encoding="utf-8")
    with pytest.raises(ReadlistError, match="nope"):
        render([Paper(0, "k1", "T")], template=template)
