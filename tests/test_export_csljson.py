"""CSL-JSON export: types, arXiv number/publisher, names, dates; valid JSON, deterministic."""

from __future__ import annotations

import io
import json

from readlist.export import get_exporter
from readlist.export.base import ExportOptions
from tests.latex.library import hostile_library


def export(ascii: bool = False) -> str:
    out = io.StringIO()
    get_exporter("csl-json").write(hostile_library(), out, ExportOptions(ascii=ascii))
    return out.getvalue()


def test_items() -> None:
    items = {i["id"]: i for i in json.loads(export())}
    assert len(items) == len(hostile_library())
    pre = items["park2024foundation"]
    # a preprint: Zotero's Preprint with Archive ID "arXiv:ID" (as its arXiv translator writes it) and the arXiv DOI
    assert pre["type"] == "article" and pre["publisher"] == "arXiv" and pre["number"] == "arXiv:2402.15567"
    assert pre["DOI"] == "10.48550/arXiv.2402.15567"
    assert pre["citation-key"] == "park2024foundation" and pre["URL"] == "https://arxiv.org/abs/2402.15567"
    assert pre["issued"] == {"date-parts": [[2024, 2, 23]]}
    assert pre["author"][0] == {"family": "Park", "given": "Seohong"}
    assert items["park2024metra"]["type"] == "paper-conference" and items["park2024metra"]["DOI"]
    assert items["park2024metra"]["note"] == "arXiv: 2310.08887"  # a published paper keeps its arXiv id (Extra)
    journal = items["doe2023journal"]
    assert journal["type"] == "article-journal" and journal["container-title"].startswith("Journal of")
    # name parts where Zotero's CSL import reads them: the particle in family, the suffix after the given names
    assert {"family": "van Beethoven", "given": "Ludwig"} in journal["author"]
    assert {"family": "King", "given": "Martin Luther, Jr."} in journal["author"]
    assert {"literal": "Gemini Team"} in journal["author"]
    assert "note" not in items["pending2024"]  # nothing of readlist's in note: no "unresolved", no notes
    assert items["pending2024"]["custom"]["readlist-notes"] == ["check later"]


def test_empty_library_and_determinism() -> None:
    out = io.StringIO()
    get_exporter("csl-json").write([], out, ExportOptions())
    assert json.loads(out.getvalue()) == []
    assert export() == export()
    assert export(ascii=True).isascii()
