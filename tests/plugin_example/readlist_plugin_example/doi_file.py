"""An example readlist source plugin: DOIs answered from a small metadata file shipped beside it, with no request.

Registered under ``readlist.sources`` (pyproject.toml), it is asked for DOIs after arXiv and before Semantic
Scholar (``order`` 30); a DOI it does not hold goes on to Semantic Scholar.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from readlist.model import Record
from readlist.sources.base import Source

RECORDS = Path(__file__).with_name("records.json")


class DoiFileSource(Source):
    name = "doi-file"
    label = "the example DOI file"
    order = 30
    id_schemes = frozenset({"doi"})

    def fetch_ids(self, scheme: str, ids: Sequence[str]) -> dict[str, Record]:
        held = {r["doi"]: r for r in json.loads(RECORDS.read_text(encoding="utf-8"))}
        return {doi: Record(source=self.name, **held[doi]) for doi in ids if doi in held}
