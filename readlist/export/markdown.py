"""GitHub-flavoured Markdown export: a task list per group, one checkbox per paper (checked when read), papers in
title order within each group, each linked where a URL is known.

The template has ``<!-- header -->``, ``<!-- group -->`` and ``<!-- paper -->`` sections with
``$placeholders`` (docs/exports.md lists them). Every value is escaped before it is put in, so no
title, note or abstract can break the list. A paper's text is a line with its groups (JSON), a tab and the key it
is ordered by, then its section; texts are spooled to a temporary file as they arrive, so grouping a large library
needs memory only for offsets and order keys.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterable
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from string import Template
from typing import TextIO

from readlist.errors import ReadlistError
from readlist.export.base import (
    EntryExporter,
    ExportOptions,
    Renderer,
    is_pending,
    paper_url,
    pdf_url,
    venue_name,
)
from readlist.export.stored import byte_writer
from readlist.model import Paper
from readlist.text import normalized

SECTIONS = ("header", "group", "paper")
_SECTION = re.compile(r"^<!-- (\w+) -->\n", re.MULTILINE)
_INLINE_SPECIALS = "\\`*_[]<>()#|~!&${}"
_INLINE_SPECIAL = re.compile("[" + re.escape(_INLINE_SPECIALS) + "]")
_INLINE_ESCAPES = str.maketrans({ch: "\\" + ch for ch in _INLINE_SPECIALS})
_LINE_START = re.compile(r"^(\s*)([-+=]|\d+(?=[.)]))")
_TAG_UNSAFE = re.compile(r"[^\w/-]+|_+")
STATE_GROUPS = {"reading": "Reading", "unread": "To read", "read": "Read"}
GROUP_BY = ("status", "tag", "year")
INDENT = "  "


def md_inline(text: str) -> str:
    """Text safe inside a line or a link label: whitespace collapsed, Markdown and HTML specials escaped."""
    text = " ".join(text.split())
    return text.translate(_INLINE_ESCAPES) if _INLINE_SPECIAL.search(text) else text


def md_line(text: str) -> str:
    """Like ``md_inline``, and a line start that would open a list or heading ("- ", "1.", "=") is escaped."""
    return _LINE_START.sub(
        lambda m: m.group(1) + (m.group(2) + "\\" if m.group(2).isdigit() else "\\" + m.group(2)), md_inline(text)
    )


def md_url(url: str | None) -> str | None:
    """``<url>`` for a link destination, or None for anything but http(s) (no ``javascript:`` links)."""
    if not url or not re.match(r"https?://", url, re.IGNORECASE):
        return None
    return "<" + re.sub(r"[<>\s\\]", lambda m: f"%{ord(m.group()):02X}", url) + ">"


def s2_url(paper: Paper) -> str | None:
    """The paper's Semantic Scholar page, for a paper known there but neither on arXiv nor by a DOI."""
    return f"https://www.semanticscholar.org/paper/{paper.s2_id}" if paper.s2_id else None


def md_tag(tag: str) -> str:
    """An Obsidian/GitHub-safe ``#tag``: no spaces or punctuation, not all digits; empty if nothing is left."""
    slug = re.sub(r"-{2,}", "-", _TAG_UNSAFE.sub("-", tag.strip())).strip("-/")
    if not slug:
        return ""
    return "#" + ("t" + slug if slug.isdigit() else slug)


def _quote(notes: list[str]) -> str:
    """The notes as one block quote inside the list item, a paragraph per note."""
    paragraphs = [
        "\n".join(f"{INDENT}> {md_line(line)}" for line in note.splitlines() if line.strip()) for note in notes
    ]
    return f"\n{INDENT}>\n".join(p for p in paragraphs if p) + "\n" if notes else ""


class MarkdownExporter(EntryExporter):
    """``--format markdown``."""

    name = "markdown"
    suffix = ".md"

    def renderer(self, options: ExportOptions) -> Renderer:
        if options.group_by not in GROUP_BY:
            raise ReadlistError(f"unknown grouping {options.group_by!r}; use one of: {', '.join(GROUP_BY)}")
        paper_section = load_template(options.template)["paper"]
        variant = json.dumps([options.group_by, options.et_al, options.abstract, paper_section])

        def render(paper: Paper) -> str:
            groups = json.dumps(_groups(paper, options.group_by), ensure_ascii=False)
            order = f"{normalized(paper.title)}\x00{paper.key}"  # title order, the key breaking ties
            return f"{groups}\t{order}\n" + _fill(paper_section, self.values(paper, options))

        return Renderer(variant, render)

    def assemble(self, texts: Iterable[bytes], out: TextIO, options: ExportOptions) -> None:
        sections = load_template(options.template)
        groups: dict[str, list[tuple[bytes, int, int]]] = {}
        decoded: dict[bytes, list[str]] = {}  # most papers share their group line with others
        with tempfile.TemporaryFile() as spool, byte_writer(out) as write:
            for text in texts:
                head, _, block = text.partition(b"\n")
                names, _, order = head.partition(b"\t")
                start = spool.tell()
                spool.write(block)
                if names not in decoded:
                    decoded[names] = json.loads(names)
                for group in decoded[names]:
                    groups.setdefault(group, []).append((order, start, len(block)))
            write(_fill(sections["header"], {}).encode())
            for group in sorted(groups, key=lambda g: _group_order(g, options.group_by)):
                label = md_inline(_group_label(group, options.group_by))
                write(_fill(sections["group"], {"group": label}).encode())
                for _, start, length in sorted(groups[group]):
                    spool.seek(start)
                    write(spool.read(length))
                write(b"\n")

    def values(self, paper: Paper, options: ExportOptions) -> dict[str, str]:
        """The placeholders of the paper section, each already escaped."""
        title = md_inline(paper.title or paper.arxiv_id or paper.doi or paper.key)
        link, pdf = md_url(paper_url(paper) or s2_url(paper)), md_url(pdf_url(paper))
        authors = self.authors(paper, options.et_al)
        venue = md_inline(venue_name(paper) or ("arXiv" if paper.arxiv_id else ""))
        year = str(paper.year or "")
        tags = " ".join(t for t in (md_tag(t) for t in paper.tags) if t)
        byline = ""
        if authors or venue:  # a year alone is no byline: it goes beside the title
            byline = " · ".join(p for p in (authors, " ".join(p for p in (venue, year) if p)) if p)
        dated = f" ({year})" if year and not byline else ""
        notes = [n.text for n in paper.notes if n.text.strip()]
        abstract = ""
        if options.abstract and paper.abstract:
            abstract = (
                f"{INDENT}<details><summary>Abstract</summary>\n\n{INDENT}{md_line(paper.abstract)}\n\n"
                f"{INDENT}</details>\n"
            )
        return {
            "check": "x" if paper.state == "read" else " ",
            "title": (f"[{title}]({link})" if link else title) + dated,
            "pdf": f" ([PDF]({pdf}))" if pdf else "",
            "byline": byline,
            "tags": (" · " if byline and tags else "") + tags,
            "notes": _quote(notes),
            "abstract": abstract,
            "key": md_inline(paper.key),
            "authors": authors,
            "venue": venue,
            "year": year,
            "state": paper.state,
            "status": "unresolved" if is_pending(paper) else "",
            "url": link or "",
            "arxiv": md_inline(paper.arxiv_id or ""),
            "doi": md_inline(paper.doi or ""),
        }

    @staticmethod
    def authors(paper: Paper, et_al: int) -> str:
        names = [md_inline(a) for a in paper.authors]
        shown = names if et_al <= 0 else names[:et_al]
        more = len(shown) < max(len(names), paper.author_count or 0)
        return ", ".join(shown) + (" et al." if more and shown else "")


def load_template(path: Path | None) -> dict[str, str]:
    """The sections of ``path`` (or of the default template); a missing ``paper`` section is an error."""
    source = (
        path.read_text(encoding="utf-8")
        if path
        else files("readlist.export").joinpath("templates/default.md").read_text(encoding="utf-8")
    )
    parts = _SECTION.split(source)
    sections = dict.fromkeys(SECTIONS, "")
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        if name not in SECTIONS:
            raise ReadlistError(f"{path}: unknown template section {name!r}; sections: {', '.join(SECTIONS)}")
        sections[name] = body
    if not sections["paper"].strip():
        raise ReadlistError(f"{path}: the template has no <!-- paper --> section")
    return sections


def _fill(section: str, values: dict[str, str]) -> str:
    """Substitute line by line; a line that had placeholders and came out blank is dropped."""
    out = []
    for line, template in _lines(section):
        try:
            filled = template.substitute(values)
        except (KeyError, ValueError) as exc:
            raise ReadlistError(f"template placeholder {exc} unknown; known: {', '.join(sorted(values))}") from None
        if filled.strip() or "$" not in line:
            out.append(filled if filled.endswith("\n") or not line.endswith("\n") else filled + "\n")
    return "".join(out)


@lru_cache(maxsize=32)
def _lines(section: str) -> list[tuple[str, Template]]:
    return [(line, Template(line)) for line in section.splitlines(keepends=True)]


def _groups(paper: Paper, group_by: str) -> list[str]:
    if group_by == "tag":
        return sorted(set(paper.tags), key=str.casefold) or [""]
    if group_by == "year":
        return [str(paper.year or "")]
    return [paper.state]


def _group_order(group: str, group_by: str) -> tuple[int, object]:
    if group_by == "status":
        order = ["reading", "unread", "read"]
        return (order.index(group) if group in order else len(order), group)
    if group_by == "year":
        return (1, 0) if not group else (0, -int(group))
    return (1, "") if not group else (0, group.casefold())


def _group_label(group: str, group_by: str) -> str:
    if group_by == "status":
        return STATE_GROUPS.get(group, group)
    return group or {"tag": "Untagged", "year": "Undated"}[group_by]
