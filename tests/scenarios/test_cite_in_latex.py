"""Story: a researcher cites papers from the library in a LaTeX paper: exports the library, exports only what the
paper cites (--aux), and compiles it with pdflatex and BibTeX."""

from __future__ import annotations

import subprocess
from pathlib import Path

import bibtexparser

from readlist.text import normalize_title
from tests.latex.test_latex_compile import require
from tests.scenarios.harness import User, expected_matches, page_entries, pages


def latex(folder: Path, *cmd: str) -> str:
    proc = subprocess.run(cmd, cwd=folder, capture_output=True, timeout=120, check=False)
    return proc.stdout.decode("utf-8", "replace")


def page_with_a_paper_the_corpus_lacks() -> Path:
    """A seed page with papers that resolve and one the recorded corpus does not hold (it stays unmatched)."""
    known = expected_matches()
    return next(p for p in pages() if any(normalize_title(e.title or "") not in known for e in page_entries(p)))


def test_cite_papers_from_the_library_in_a_latex_paper(user: User) -> None:
    require("pdflatex", "bibtex")
    page = page_with_a_paper_the_corpus_lacks()
    user.ok("add", str(page))
    papers = sorted(user.papers(), key=lambda p: p["id"])
    matched = [p["key"] for p in papers if p["status"] == "matched"][:2]
    other = [p["key"] for p in papers if p["status"] != "matched"][:1]
    cited = matched + other
    assert len(cited) == 3

    whole = user.ok("export", "--format", "bibtex", "-o", "library.bib")
    assert whole.err.strip() == f"wrote {len(papers)} papers to library.bib"
    assert len(bibtexparser.parse_file(str(user.home / "library.bib")).entries) == len(papers)

    paper = user.file(
        "paper.tex",
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{natbib}\n\\begin{document}\n"
        f"We build on \\citet{{{cited[0]}}} and \\citep{{{cited[1]},{cited[2]}}}.\n"
        "\\bibliographystyle{plainnat}\n\\bibliography{paper}\n\\end{document}\n",
    )
    latex(user.home, "pdflatex", "-interaction=nonstopmode", paper.name)
    run = user.ok("export", "--aux", "paper.aux", "-o", "paper.bib")
    assert run.err.strip() == "wrote 3 papers to paper.bib"
    assert sorted(e.key for e in bibtexparser.parse_file(str(user.home / "paper.bib")).entries) == sorted(cited)
    latex(user.home, "bibtex", "paper")
    latex(user.home, "pdflatex", "-interaction=nonstopmode", paper.name)
    latex(user.home, "pdflatex", "-interaction=nonstopmode", paper.name)
    log = (user.home / "paper.log").read_text(encoding="utf-8", errors="replace")
    assert (user.home / "paper.pdf").exists(), log[-2000:]
    assert "undefined" not in log, [line for line in log.splitlines() if "undefined" in line]
    bbl = (user.home / "paper.bbl").read_text(encoding="utf-8")
    assert all(f"{{{key}}}" in bbl for key in cited)

    # the keys the paper cites never move again, whatever happens to the library
    user.ok("resolve")
    user.ok("add", str(page))
    assert {p["key"] for p in user.papers()} >= set(cited)
    assert all(user.paper(key)["key_settled"] for key in cited)

    user.file("extra.aux", "\\relax\n\\citation{nosuchkey2020}\n" + f"\\citation{{{cited[0]}}}\n")
    warned = user.ok("export", "--aux", "extra.aux", "-o", "extra.bib")
    assert "extra.aux: cited key 'nosuchkey2020' is not in the library" in warned.err
