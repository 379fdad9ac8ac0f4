"""Story: a researcher shares the reading list: BibTeX and biblatex for LaTeX, CSL-JSON for Zotero, and a Markdown
list people read on GitHub or in Obsidian (in title order within each group, every entry linked where a URL is
known, no line holding only a year)."""

from __future__ import annotations

import json
import re

import bibtexparser
from markdown_it import MarkdownIt

from readlist.text import normalize_title
from tests.scenarios.harness import User, pages


def items(markdown: str) -> list[tuple[str, str]]:
    """(group heading, first line of the item) of every top-level list item, as markdown-it reads the file."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    out, group, depth = [], "", 0
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.tag == "h2":
            group = tokens[i + 1].content
        elif tok.type == "bullet_list_open":
            depth += 1
        elif tok.type == "bullet_list_close":
            depth -= 1
        elif tok.type == "list_item_open" and depth == 1:
            out.append((group, tokens[i + 2].content.splitlines()[0]))
    return out


def link_title(line: str) -> str:
    """The title of an item's first line: ``[ ] [Title](url) ([PDF](...))`` or ``[ ] Title (2024)``."""
    text = line[4:]
    m = re.match(r"\[(.*?)\]\(<?https?://", text)
    title = m.group(1) if m else re.sub(r" \(\d{4}\)$", "", text)
    return title.replace("\\", "")


def test_a_markdown_reading_list_reads_as_a_list_for_people(user: User) -> None:
    user.ok("add", str(pages()[3]))
    key = sorted(user.papers(), key=lambda p: p["id"])[0]["key"]
    user.ok("read", key)
    user.ok("tag", key, "rl")
    papers = {normalize_title(p["title"]): p for p in user.papers()}
    run = user.ok("export", "--format", "markdown", "--no-abstract", "-o", "reading-list.md")
    assert run.err.strip() == f"wrote {len(papers)} papers to reading-list.md"
    text = (user.home / "reading-list.md").read_text(encoding="utf-8")
    listed = items(text)
    assert len(listed) == len(papers)
    assert not [line for line in text.splitlines() if re.fullmatch(r"\s*\d{4}\s*", line)], "no line of a year alone"
    by_group: dict[str, list[str]] = {}
    for group, line in listed:
        by_group.setdefault(group, []).append(normalize_title(link_title(line)))
    assert list(by_group) == ["To read", "Read"]
    for titles in by_group.values():
        assert titles == sorted(titles), "title order within a group"
    for _, line in listed:
        paper = papers[normalize_title(link_title(line))]
        linked = re.search(r"\]\(<?https?://", line) is not None
        assert linked == bool(paper["arxiv_id"] or paper["doi"] or paper["url"]), line
        assert line.startswith("[x]" if paper["state"] == "read" else "[ ]")

    by_tag = user.ok("export", "--format", "markdown", "--group-by", "tag", "--et-al", "1", "--tag", "rl").out
    assert [g for g, _ in items(by_tag)] == ["rl"]
    by_year = user.ok("export", "--format", "markdown", "--group-by", "year", "--state", "unread").out
    assert len(items(by_year)) == len(papers) - 1
    template = user.file("my-template.md", "<!-- paper -->\n* $key: $title\n")
    custom = user.ok("export", "--format", "markdown", "--template", str(template), "--search", "the").out
    assert all(line.startswith("* ") for line in custom.splitlines() if line)


def test_bibtex_biblatex_and_csl_json_for_latex_and_zotero(user: User) -> None:
    user.ok("add", str(pages()[3]))
    papers = user.papers()
    keys = sorted(p["key"] for p in papers)
    for fmt, extra in (("bibtex", ["--ascii"]), ("biblatex", ["--no-abstract"])):
        user.ok("export", "--format", fmt, *extra, "--output", f"{fmt}.bib")
        parsed = bibtexparser.parse_file(str(user.home / f"{fmt}.bib"))
        assert not parsed.failed_blocks and sorted(e.key for e in parsed.entries) == keys
    ascii_text = (user.home / "bibtex.bib").read_text(encoding="utf-8")
    assert ascii_text.isascii()
    assert "abstract =" not in (user.home / "biblatex.bib").read_text(encoding="utf-8")
    user.ok("export", "--format", "csl-json", "-o", "zotero.json")
    items_ = json.loads((user.home / "zotero.json").read_text(encoding="utf-8"))
    assert sorted(i["id"] for i in items_) == keys
    matched = user.ok("export", "--format", "bibtex", "--status", "matched").out
    assert matched.count("\n@") + matched.startswith("@") == sum(p["status"] == "matched" for p in papers)
