"""Story: a researcher brings the .bib file they already have: into an empty library, and into one that already
holds some of its papers (by arXiv id or by title); and gets years of real BibTeX back as it went in.

The last story imports real bibliographies (BibTeX's own example file with its @preamble, @string macros and
crossrefs; a Better BibLaTeX export; the hand-made hard cases), reads what readlist tells her, exports both flavours
and compares them with her files; adds a note and a tag; finds the same paper under two keys flagged, merges them
and still cites the old key; brings the export to a colleague's fresh library and gets the same file; compiles it
with plainnat.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable

from readlist.text import normalize_title
from tests.bibcorpus import CORPUS, compare, new_warnings
from tests.fakeserver import FakeServer
from tests.scenarios.harness import User, corpus, page_entries, pages, seed_record
from tests.scenarios.test_paste_a_page import resolution

IMPORTED = "imported: {} new, {} already in the library, {} repeats in this input"


def bib_entry(key: str, record: dict, eprint: bool = True, **fields: str) -> str:
    """A .bib entry for a corpus record, as a reference manager writes one."""
    values = {"title": "{" + record["title"] + "}", "author": " and ".join(record["authors"])}
    if record.get("year") or record.get("published"):
        values["year"] = str(record.get("year") or record["published"][:4])
    if eprint and record.get("arxiv_id"):
        values |= {"eprint": record["arxiv_id"], "archivePrefix": "arXiv"}
    values |= fields
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in values.items())
    return f"@article{{{key},\n{body}\n}}\n"


def seed_papers_with_ids(n: int) -> list[dict]:
    found = [p for p in corpus() if p.get("kind") == "seed" and p.get("arxiv_id") and p.get("authors")]
    assert len(found) >= n
    return found[:n]


def test_importing_a_bib_into_an_empty_library_keeps_it_as_written_without_the_network(
    new_user: Callable[..., User], fake_server: FakeServer
) -> None:
    records = seed_papers_with_ids(3)
    keys = ["Lit:first", "lit-second-2020", "third_one"]
    text = "".join(bib_entry(k, r) for k, r in zip(keys, records, strict=True))
    user = new_user()
    refs = user.file("refs.bib", text)
    run = user.ok("import", str(refs))
    assert run.lines[0] == IMPORTED.format(3, 0, 0)
    assert fake_server.requests() == [], "import takes the file as the user's record: no resolution"
    papers = user.papers()
    assert sorted(p["key"] for p in papers) == sorted(keys)
    assert all(p["key_settled"] for p in papers)
    for key, record in zip(keys, records, strict=True):
        assert normalize_title(user.paper(key)["title"]) == normalize_title(record["title"])

    # `add refs.bib` is the same file resolved against arXiv: the keys stay the user's
    other = new_user("adds")
    added = other.ok("add", str(refs))
    assert added.lines[0] == "added: 3 new, 0 already in the library, 0 repeats in this input"
    assert resolution(added.lines)[0] == {"matched": 3}
    assert sorted(p["key"] for p in other.papers()) == sorted(keys)


def test_a_bib_entry_for_a_paper_stored_by_id_fills_it_in_and_brings_its_key(user: User) -> None:
    record = seed_record(pages()[0], arxiv_id=True, authors=True)
    user.ok("add", "--no-resolve", record["arxiv_id"])
    provisional = user.paper(record["arxiv_id"])["key"]
    refs = user.file("refs.bib", bib_entry("mykey2016deep", record, pages="1--12"))
    run = user.ok("import", str(refs))
    assert run.lines[0] == IMPORTED.format(0, 1, 0)
    (paper,) = user.papers()
    assert paper["aliases"] == [] and user("show", provisional).code == 1, (
        "the provisional key never left the library: it is not kept as an alias"
    )
    exported = user.ok("export", "--format", "bibtex").out
    assert exported.startswith("@article{mykey2016deep,\n  title = {{"), "the .bib entry is the paper's record"
    assert "  pages = {1--12}," in exported
    assert normalize_title(paper["title"]) == normalize_title(record["title"])
    assert paper["authors"] == record["authors"]
    assert paper["key"] == "mykey2016deep" and paper["key_settled"]
    assert len(paper["sources"]) == 2
    assert "pages: 1--12" in user.ok("show", "mykey2016deep").out


def test_a_bib_entry_for_a_matched_paper_fills_only_what_the_record_lacks(user: User) -> None:
    record = seed_record(pages()[0], arxiv_id=True, authors=True)
    user.ok("add", record["arxiv_id"])
    before = user.paper(record["arxiv_id"])
    assert before["status"] == "matched" and not before["key_settled"]
    altered = {**record, "title": record["title"] + " (extended version)", "year": (before["year"] or 2000) + 1}
    refs = user.file("refs.bib", bib_entry("mine", altered, pages="7--9"))
    assert user.ok("import", str(refs)).lines[0] == IMPORTED.format(0, 1, 0)
    after = user.paper("mine")
    assert after["id"] == before["id"] and after["key_settled"]
    assert (after["title"], after["year"], after["authors"]) == (before["title"], before["year"], before["authors"])
    show = user.ok("show", "mine").out
    assert "pages: 7--9" in show, "an empty field is filled"
    assert f"differs in {refs}" in show and "(extended version)" in show and str(altered["year"]) in show
    # what readlist shows is the record's; what it exports is the user's entry, as written, the record filling
    # only the fields the entry lacks
    exported = user.ok("export", "--format", "bibtex").out
    assert "(extended version)}}," in exported and f"  year = {{{altered['year']}}}," in exported
    assert f"  url = {{https://arxiv.org/abs/{record['arxiv_id']}}}," in exported


def test_a_bib_entry_for_a_paper_stored_from_a_page_merges_by_title(user: User) -> None:
    page = pages()[0]
    record = seed_record(page, authors=True)
    user.ok("add", "--no-resolve", str(page))
    n = len(user.papers())
    entry = {**record, "title": record["seed_title"]}
    refs = user.file("refs.bib", bib_entry("bytitle2024", entry, eprint=False))
    assert user.ok("import", str(refs)).lines[0] == IMPORTED.format(0, 1, 0)
    assert len(user.papers()) == n
    paper = user.paper("bytitle2024")
    assert paper["authors"] == record["authors"] and paper["key_settled"]
    titles = {
        e.source_line for e in page_entries(page) if normalize_title(e.title or "") == normalize_title(entry["title"])
    }
    assert {s["line"] for s in paper["sources"] if s["file"] == str(page)} <= titles


def test_two_bib_entries_with_their_own_keys_for_one_paper_are_both_kept_and_flagged(user: User) -> None:
    record = seed_record(pages()[0], arxiv_id=True, authors=True)
    refs = user.file("refs.bib", bib_entry("smith2020a", record) + bib_entry("smith2020b", record))
    assert user.ok("import", str(refs)).lines[0] == IMPORTED.format(2, 0, 0)
    flagged = user.papers("--status", "duplicate")
    assert sorted(p["key"] for p in flagged) == ["smith2020a", "smith2020b"]
    assert "possible duplicate of" in user.ok("show", "smith2020a").out
    assert "smith2020b" in user.ok("show", "smith2020a").out


def test_a_settled_key_stays_and_the_bib_key_finds_the_paper_too(user: User) -> None:
    record = seed_record(pages()[0], arxiv_id=True, authors=True)
    user.ok("add", record["arxiv_id"])
    user.ok("export", "-o", "out.bib")
    key = user.paper(record["arxiv_id"])["key"]
    refs = user.file("refs.bib", bib_entry("theirkey", record))
    assert user.ok("import", str(refs)).lines[0] == IMPORTED.format(0, 1, 0)
    assert user.paper(record["arxiv_id"])["key"] == key, "a key that left the library never changes"
    assert user.paper("theirkey")["key"] == key
    assert user.paper(key)["aliases"] == ["theirkey"]
    assert user.ok("export", "--format", "bibtex").out.startswith(f"@article{{{key},"), "the .bib entry is its record"


REAL_FILES = ["base--xampl.bib", "better-bibtex--particles-313.bib", "handmade--hard-cases.bib"]


def test_bring_an_existing_bib_and_get_it_back_as_it_went_in(new_user: Callable[..., User]) -> None:
    me = new_user("me")
    bibs = [me.file(name, (CORPUS / name).read_text(encoding="utf-8")) for name in REAL_FILES]
    for bib in bibs:
        run = me.ok("import", str(bib))
        # every oddity is one line naming the file, line and entry; nothing is an error
        for line in run.err_lines:
            assert line.startswith(f"warning: {bib}"), line
    hard = bibs[2]
    run = me.ok("import", str(hard))  # the same file again: nothing new, nothing lost
    assert run.lines[0] == IMPORTED.format(0, 13, 0)

    # what she sees of an entry: her fields as written, the names split as BibTeX splits them
    shown = me.ok("show", "vangool2023").out
    assert "Luc Van Gool, Yann Le Cun, Diego de la Vega, Edwin V. Bell, II, European Commission, Barnes and Noble" in (
        shown
    )
    assert "The TeXbook and LaTeX tricks: 5% on ImageNet" in shown
    assert "    year = {2023a}" in shown and "    month = {8}" in shown

    # both flavours give back every key, type and field of every file, as written; the preambles come first
    out = {}
    for flavor in ("bibtex", "biblatex"):
        path = me.home / f"mine.{flavor}.bib"
        me.ok("export", "--format", flavor, "-o", str(path))
        out[flavor] = path.read_text(encoding="utf-8")
        assert out[flavor].startswith("@preamble{ {\\newcommand{\\noopsort}")
        for bib in bibs:
            result = compare(bib.read_text(encoding="utf-8"), out[flavor])
            assert result.types_changed == [] and dict(result.fields_dropped) == {} and result.fields_changed == []
            assert [k for k in result.keys_lost if k != "repeated"] == []  # "repeated" is a key: see below
        assert "note = {unresolved}" not in out[flavor]
    assert "@misc{entrywithout," in out["bibtex"]  # the entry without a key got one (two title words, no year)

    # her notes and tags go where Zotero and BibTeX want them; the rest of the file does not move
    me.ok("note", "desa2017", "Read section 3.\n\nCompare with METRA.")
    me.ok("tag", "desa2017", "to-cite")
    again = me.ok("export", "--format", "bibtex").out
    assert "  keywords = {to-cite},\n  annote = {Read section 3.\nCompare with METRA.}," in again
    before = out["bibtex"].split("@misc{desa2017,")
    after = again.split("@misc{desa2017,")
    assert before[0] == after[0] and before[1].split("\n}\n", 1)[1] == after[1].split("\n}\n", 1)[1]

    # the same paper under two keys (Bellman's book and his Science article share a title): both kept, flagged
    listed = me.ok("list", "--status", "duplicate").out
    assert "bellman1957" in listed and "bellman1966" in listed
    run = me.ok("merge", "bellman1957", "bellman1966")
    assert "also known as bellman1957" in run.out
    assert me.ok("show", "bellman1957").out.startswith("#") and "bellman1966" in me.ok("show", "bellman1957").out
    aux = me.file("paper.aux", "\\relax\n\\citation{bellman1957}\n\\citation{vangool2023}\n")
    cited = me.ok("export", "--aux", str(aux))
    assert "is not in the library" not in cited.err
    assert "@article{bellman1957,\n  readlist-alias-of = {bellman1966}," in cited.out
    assert "ids = {bellman1957}" in me.ok("export", "--format", "biblatex").out

    # a colleague imports her export into a fresh library and exports the same bytes
    mine = me.home / "mine.bib"
    me.ok("export", "--format", "bibtex", "-o", str(mine))
    colleague = new_user("colleague")
    colleague.ok("import", str(mine))
    theirs = colleague.home / "theirs.bib"
    colleague.ok("export", "--format", "bibtex", "-o", str(theirs))
    assert theirs.read_bytes() == mine.read_bytes()
    colleague.ok("show", "bellman1957")  # the alias came along

    # Zotero's CSL-JSON import keeps the arXiv id and the name particles
    items = {i["id"]: i for i in json.loads(me.ok("export", "--format", "csl-json").out)}
    assert items["desa2017"]["number"] == "arXiv:1701.00001" and items["desa2017"]["type"] == "article"  # Preprint
    assert {"family": "van den Oord", "given": "Aäron"} in items["oord2016"]["author"]
    assert {"family": "King", "given": "Martin Luther, Jr."} in items["oord2016"]["author"]

    # plainnat reads her export with no warning it does not give for her own files
    if shutil.which("bibtex") and shutil.which("pdflatex"):
        originals = "\n".join(b.read_text(encoding="utf-8") for b in bibs)
        assert new_warnings(originals, mine.read_text(encoding="utf-8"), "bibtex") == []
