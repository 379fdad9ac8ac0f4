"""`readlist list --json`: the documented JSON shape of a paper (docs/formats.md)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from readlist.model import Paper


def paper_json(p: Paper) -> dict[str, object]:
    """One paper as the documented JSON object."""
    return {
        "id": p.id,
        "key": p.key,
        "key_settled": p.key_settled,
        "title": p.title,
        "authors": p.authors,
        "year": p.year,
        "date": p.date,
        "arxiv_id": p.arxiv_id,
        "doi": p.doi,
        "venue": p.venue,
        "url": p.url,
        "state": p.state,
        "state_changed_at": p.state_changed_at,
        "status": p.status,
        "tags": p.tags,
        "notes": [n.text for n in p.notes],
        "sources": [{"file": s.file, "line": s.line} for s in p.sources],
        "aliases": p.aliases,
        "duplicates": [d.other_key for d in p.duplicates],
    }


def papers_json(papers: Iterable[Paper]) -> str:
    """The papers as a JSON array, one paper object after another."""
    return json.dumps([paper_json(p) for p in papers], ensure_ascii=False, indent=1)
