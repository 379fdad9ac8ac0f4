"""BibTeX/biblatex export: entry kinds and fields, escaping, names, and clean parses by three parsers."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import bibtexparser
import pytest
from pybtex.database import parse_string

from readlist.export import get_exporter
from readlist.export.base import ExportOptions
from readlist.export.latex import balanced, escape
from readlist.model import Note, Paper
from tests.latex.library import hostile_library
from tests.paths import REPO

NODE_MODULES = REPO / ".tools" / "node_modules"


def export(papers: list[Paper], fmt: str = "bibtex", **options: object) -> str:
    out = io.StringIO()
    get_exporter(fmt).write(papers, out, ExportOptions(**options))  # type: ignore[arg-type]
    return out.getvalue()


def entries(text: str) -> dict[str, dict[str, str]]:
    lib = bibtexparser.parse_string(text)
    assert lib.failed_blocks == []
    return {e.key: {"type": e.entry_type, **{f.key: f.value for f in e.fields}} for e in lib.entries}


PREPRINT = Paper(
    0,
    "park2024foundation",
    "Foundation Policies with Hilbert Representations",
    ["Seohong Park", "Sergey Levine"],
    year=2024,
    arxiv_id="2402.15567",
    primary_class="cs.LG",
    status="matched",
    state="read",
    tags=["rl", "offline rl"],
    notes=[Note("a note", "t")],
)


def test_preprint_is_misc_in_both_flavours_with_its_arxiv_doi_and_no_howpublished() -> None:
    bib = entries(export([PREPRINT]))["park2024foundation"]
    assert bib["type"] == "misc"
    assert bib["eprint"] == "2402.15567" and bib["archivePrefix"] == "arXiv" and bib["eprinttype"] == "arXiv"
    assert bib["primaryClass"] == "cs.LG" and "howpublished" not in bib  # Zotero: a junk "Published:" in Extra
    assert bib["doi"] == "10.48550/arXiv.2402.15567" and bib["url"] == "https://arxiv.org/abs/2402.15567"
    assert bib["author"] == "Park, Seohong and Levine, Sergey"
    # notes go to annote (Zotero: child notes), nothing of readlist's in note (styles print it)
    assert bib["keywords"] == "rl, offline rl" and bib["annote"] == "a note" and bib["readlist-state"] == "read"
    assert "note" not in bib
    latex = entries(export([PREPRINT], "biblatex"))["park2024foundation"]
    # @misc, not @online: Zotero imports @online as a Web Page
    assert latex["type"] == "misc" and latex["eprinttype"] == "arXiv" and latex["eprintclass"] == "cs.LG"
    assert not {"archivePrefix", "primaryClass", "howpublished"} & latex.keys()


def test_published_and_pending_entries() -> None:
    lib = {p.key: p for p in hostile_library()}
    bib = entries(export([lib["park2024metra"], lib["doe2023journal"], lib["pending2024"]]))
    assert bib["park2024metra"]["type"] == "inproceedings"
    assert bib["park2024metra"]["booktitle"].startswith("International Conference")
    assert bib["park2024metra"]["pages"] == "1--20" and bib["park2024metra"]["eprint"] == "2310.08887"
    assert bib["doe2023journal"]["type"] == "article" and bib["doe2023journal"]["volume"] == "24"
    assert bib["doe2023journal"]["isbn"] == "978-3-16-148410-0" and "bad field" not in bib["doe2023journal"]
    assert bib["pending2024"]["type"] == "misc" and "note" not in bib["pending2024"]  # never "unresolved"
    assert bib["pending2024"]["annote"] == "check later" and bib["pending2024"]["readlist-status"] == "pending"


def test_names_particles_suffixes_corporate() -> None:
    paper = Paper(0, "k", "T", ["Ludwig van Beethoven", "Martin Luther King Jr.", "Gemini Team", "Diego de la Vega"])
    assert entries(export([paper]))["k"]["author"] == (
        "van Beethoven, Ludwig and King, Jr., Martin Luther and {Gemini Team} and de la Vega, Diego"
    )


def test_titles_protect_acronyms_keep_math_and_escape_specials() -> None:
    assert escape("METRA: Scalable RL with CLIP", protect=True) == "{METRA}: Scalable {RL} with {CLIP}"
    assert escape("Adapt-$\\infty$: Lifelong", protect=True) == "Adapt-{$\\infty$}: Lifelong"
    # the escapes Zotero, BibTeX, biber and readlist read back; a lone brace is paired with an invisible one
    assert escape("50% & #1 $5 and $10 } _") == r"50\% \& \#1 \$5 and \$10 \vphantom{\{}\} \_"
    assert escape("$\\input{x}$ a<b>c ~^") == r"\$$\backslash$input\{x\}\$ a$<$b$>$c \~{}\^{}"


def test_ascii_escapes_every_tool_decodes() -> None:
    assert escape("é í Łucja ệ", ascii=True) == r"{\'e} {\'i} {\L}ucja {\^{\d{e}}}"
    assert escape("é Łucja") == "é Łucja"


def test_hostile_library_stays_balanced_and_deterministic() -> None:
    for flavor in ("bibtex", "biblatex"):
        for ascii in (False, True):
            text = export(hostile_library(), flavor, ascii=ascii)
            assert text == export(hostile_library(), flavor, ascii=ascii)
            assert balanced(text)
            assert len(entries(text)) == len(hostile_library())
            # --ascii leaves only letters with no escape (CJK) and, for biber, letters with stacked accents
            left = {ch for ch in text if ord(ch) > 127}
            assert not ascii or all("CJK" in unicodedata.name(ch) or flavor == "biblatex" for ch in left)


def test_no_abstract_option() -> None:
    paper = Paper(0, "k", "T", abstract="Synthetic abstract.")
    assert "abstract" in entries(export([paper]))["k"]
    assert "abstract" not in entries(export([paper], abstract=False))["k"]


@pytest.mark.parametrize("flavor", ["bibtex", "biblatex"])
@pytest.mark.parametrize("ascii", [False, True], ids=["utf8", "ascii"])
def test_parses_cleanly_with_pybtex_and_bibtex_parser(tmp_path: Path, flavor: str, ascii: bool) -> None:
    papers = hostile_library()
    text = export(papers, flavor, ascii=ascii)
    assert sorted(parse_string(text, "bibtex").entries) == sorted(p.key for p in papers)
    node = shutil.which("node")
    if node is None or not NODE_MODULES.joinpath("@retorquere/bibtex-parser").exists():
        if os.environ.get("READLIST_REQUIRE_TOOLS") == "1":
            pytest.fail("node or @retorquere/bibtex-parser missing (run scripts/install-export-tools.sh)")
        pytest.skip("node or @retorquere/bibtex-parser missing")
    (tmp_path / "library.bib").write_text(text, encoding="utf-8")
    proc = subprocess.run(
        [node, str(Path(__file__).parent / "latex" / "parse_bib.mjs"), str(tmp_path / "library.bib")],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "READLIST_NODE_MODULES": str(NODE_MODULES)},
    )
    result = json.loads(proc.stdout)
    assert result["errors"] == []
    assert [e["key"] for e in result["entries"]] == [p.key for p in papers]
    titles = {e["key"]: unicodedata.normalize("NFC", e["title"]) for e in result["entries"]}
    assert "Łódź" in titles["letters2022"] and "ệ" in titles["letters2022"] and "中国" in titles["letters2022"]
