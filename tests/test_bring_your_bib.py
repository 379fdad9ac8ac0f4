"""Story: a researcher brings years of BibTeX to readlist, and gets it back as it went in.

The installed `readlist`, run as a subprocess on a fresh library (`tests.cli.Cli.proc`), no network. She imports
real bibliographies (BibTeX's own example file with its @preamble, @string macros and crossrefs; a Better BibLaTeX
export; the hand-made hard cases), reads what readlist tells her, exports both flavours and compares them with
her files; adds a note and a tag; finds the same paper under two keys flagged, merges them and still cites the old
key; brings the export to a colleague's fresh library and gets the same file; compiles it with plainnat.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.bibcorpus import CORPUS, compare, new_warnings
from tests.cli import Cli

FILES = ["base--xampl.bib", "better-bibtex--particles-313.bib", "handmade--hard-cases.bib"]


@pytest.fixture
def bibs(tmp_path: Path) -> list[Path]:
    out = []
    for name in FILES:
        shutil.copy(CORPUS / name, tmp_path / name)
        out.append(tmp_path / name)
    return out


def test_bring_an_existing_bib_and_get_it_back_as_it_went_in(tmp_path: Path, bibs: list[Path]) -> None:
    me = Cli(tmp_path / "me")
    for bib in bibs:
        res = me.proc("import", str(bib))
        assert res.exit_code == 0, res.stderr
        assert "Traceback" not in res.stderr
        # every oddity is one line naming the file, line and entry; nothing is an error
        for line in res.stderr.splitlines():
            assert line.startswith(f"warning: {bib}"), line
    hard = bibs[2]
    res = me.proc("import", str(hard))  # the same file again: nothing new, nothing lost
    assert res.exit_code == 0 and res.stdout.startswith("imported 0 new paper(s); 13 already in the library")

    # what she sees of an entry: her fields as written, the names split as BibTeX splits them
    shown = me.proc("show", "vangool2023").stdout
    assert "Luc Van Gool, Yann Le Cun, Diego de la Vega, Edwin V. Bell, II, European Commission, Barnes and Noble" in (
        shown
    )
    assert "The TeXbook and LaTeX tricks: 5% on ImageNet" in shown
    assert "    year = {2023a}" in shown and "    month = {8}" in shown

    # both flavours give back every key, type and field of every file, as written; the preambles come first
    out = {}
    for flavor in ("bibtex", "biblatex"):
        path = tmp_path / f"mine.{flavor}.bib"
        assert me.proc("export", "--format", flavor, "-o", str(path)).exit_code == 0
        out[flavor] = path.read_text(encoding="utf-8")
        assert out[flavor].startswith("@preamble{ {\\newcommand{\\noopsort}")
        for bib in bibs:
            result = compare(bib.read_text(encoding="utf-8"), out[flavor])
            assert result.types_changed == [] and dict(result.fields_dropped) == {} and result.fields_changed == []
            assert [k for k in result.keys_lost if k != "repeated"] == []  # "repeated" is a key: see below
        assert "note = {unresolved}" not in out[flavor]
    assert "@misc{entry," in out["bibtex"]  # the entry without a key got one

    # her notes and tags go where Zotero and BibTeX want them; the rest of the file does not move
    assert me.proc("note", "desa2017", "Read section 3.\n\nCompare with METRA.").exit_code == 0
    assert me.proc("tag", "desa2017", "to-cite").exit_code == 0
    again = me.proc("export", "--format", "bibtex").stdout
    assert "  keywords = {to-cite},\n  annote = {Read section 3.\nCompare with METRA.}," in again
    before = out["bibtex"].split("@misc{desa2017,")
    after = again.split("@misc{desa2017,")
    assert before[0] == after[0] and before[1].split("\n}\n", 1)[1] == after[1].split("\n}\n", 1)[1]

    # the same paper under two keys (Bellman's book and his Science article share a title): both kept, flagged
    listed = me.proc("list", "--status", "duplicate").stdout
    assert "bellman1957" in listed and "bellman1966" in listed
    res = me.proc("merge", "bellman1957", "bellman1966")
    assert res.exit_code == 0 and "also known as bellman1957" in res.stdout
    assert (
        me.proc("show", "bellman1957").stdout.startswith("#") and "bellman1966" in me.proc("show", "bellman1957").stdout
    )
    aux = tmp_path / "paper.aux"
    aux.write_text("\\relax\n\\citation{bellman1957}\n\\citation{vangool2023}\n", encoding="utf-8")
    cited = me.proc("export", "--aux", str(aux))
    assert cited.exit_code == 0 and "is not in the library" not in cited.stderr
    assert "@article{bellman1957,\n  readlist-alias-of = {bellman1966}," in cited.stdout
    assert "ids = {bellman1957}" in me.proc("export", "--format", "biblatex").stdout

    # a colleague imports her export into a fresh library and exports the same bytes
    mine = tmp_path / "mine.bib"
    assert me.proc("export", "--format", "bibtex", "-o", str(mine)).exit_code == 0
    colleague = Cli(tmp_path / "colleague")
    assert colleague.proc("import", str(mine)).exit_code == 0
    theirs = tmp_path / "theirs.bib"
    assert colleague.proc("export", "--format", "bibtex", "-o", str(theirs)).exit_code == 0
    assert theirs.read_bytes() == mine.read_bytes()
    assert colleague.proc("show", "bellman1957").exit_code == 0  # the alias came along

    # Zotero's CSL-JSON import keeps the arXiv id and the name particles
    items = {i["id"]: i for i in json.loads(me.proc("export", "--format", "csl-json").stdout)}
    assert items["desa2017"]["number"] == "arXiv:1701.00001" and items["desa2017"]["type"] == "article"  # Preprint
    assert {"family": "van den Oord", "given": "Aäron"} in items["oord2016"]["author"]
    assert {"family": "King", "given": "Martin Luther, Jr."} in items["oord2016"]["author"]

    # plainnat reads her export with no warning it does not give for her own files
    if shutil.which("bibtex") and shutil.which("pdflatex"):
        originals = "\n".join(b.read_text(encoding="utf-8") for b in bibs)
        assert new_warnings(originals, mine.read_text(encoding="utf-8"), "bibtex") == []
