"""Snapshot lines for the index tests: one synthetic record, and the fake server's corpus in the snapshot schema."""

from __future__ import annotations

import json
from pathlib import Path

from tests.fakeserver import load_corpus
from tests.fakeserver.oai import snapshot_record

SYNTHETIC = {
    "id": "2401.00042",
    "submitter": "Ada Example",
    "authors": "Ada Example, B. Sm{\\'i}th and C. Doe Jr",
    "title": 'Schr{\\"o}dinger Bridges\n  for Example Divergences',
    "comments": "9 pages",
    "journal-ref": "J. Synth. 1 (2024) 2",
    "doi": "10.1000/ONE 10.1000/two",
    "report-no": None,
    "categories": "cs.LG stat.ML",
    "license": None,
    "abstract": "  We bridge synthetic\n  examples with made-up quuxification.\n",
    "versions": [
        {"version": "v1", "created": "Tue, 2 Jan 2024 10:00:00 GMT"},
        {"version": "v2", "created": "Fri, 9 Feb 2024 10:00:00 GMT"},
    ],
    "update_date": "2024-02-10",
    "authors_parsed": [["Example", "Ada", ""], ["Sm{\\'i}th", "B.", ""], ["Doe", "C.", "Jr"]],
}


def corpus_records() -> list[dict]:
    """The fake server's corpus as snapshot lines (derived at run time: nothing about the seeds is written here)."""
    return [snapshot_record(p) for p in load_corpus() if p.arxiv_id]


def write_snapshot(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path
