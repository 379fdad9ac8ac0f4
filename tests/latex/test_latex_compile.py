"""The hostile library, exported as BibTeX and biblatex (UTF-8 and --ascii), compiles with zero errors and warnings.

Runs pdflatex + bibtex (plainnat, IEEEtran) and pdflatex + biber. Skipped when the TeX tools are missing,
unless READLIST_REQUIRE_TOOLS=1 (CI), where a missing tool fails. scripts/install-export-tools.sh installs them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from readlist.export import get_exporter
from readlist.export.base import ExportOptions
from readlist.export.latex import escape
from tests.latex.library import hostile_library, without_cjk

HERE = Path(__file__).parent
# Warnings that are expected, each with why it is right:
ALLOWED = [
    # an unresolved paper whose year is not known yet: readlist never invents a year
    re.compile(r"^Warning--empty year in (pending2024|unresolved2024)$"),
    # an unresolved paper of which readlist knows only the arXiv id: plainnat's @misc prints its DOI and URL, none
    # of the fields it calls relevant (readlist invents no title, and writes no howpublished or note for it)
    re.compile(r"^Warning--all relevant fields are empty in unresolved2024$"),
    # the CJK font (gbsn) has no italic shape; LaTeX prints CJK titles upright instead (a driver matter)
    re.compile(r"^LaTeX Font Warning: Font shape `C70/gbsn/m/it' undefined$"),
]


def require(*tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        if os.environ.get("READLIST_REQUIRE_TOOLS") == "1":
            pytest.fail(f"missing tools: {', '.join(missing)} (run scripts/install-export-tools.sh)")
        pytest.skip(f"missing tools: {', '.join(missing)}")


def export(tmp_path: Path, flavor: str, ascii: bool, cjk: bool = True) -> list[str]:
    papers = hostile_library() if cjk else [without_cjk(p) for p in hostile_library()]
    with (tmp_path / "library.bib").open("w", encoding="utf-8") as out:
        get_exporter(flavor).write(papers, out, ExportOptions(ascii=ascii))
    (tmp_path / "cites.tex").write_text("\\cite{" + ",".join(p.key for p in papers) + "}\n", encoding="utf-8")
    stacked = sorted(
        {ch for p in papers for ch in p.title + "".join(p.authors) if len(unicodedata.normalize("NFD", ch)) > 2}
    )
    (tmp_path / "unicode.tex").write_text(
        "".join(f"\\DeclareUnicodeCharacter{{{ord(ch):04X}}}{{{escape(ch, ascii=True)}}}\n" for ch in stacked),
        encoding="utf-8",
    )
    return [p.key for p in papers]


def run(tmp_path: Path, *cmd: str) -> str:
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, timeout=120, check=False)
    return proc.stdout.decode("utf-8", "replace")


def problems(lines: list[str]) -> list[str]:
    return [line for line in lines if not any(a.match(line) for a in ALLOWED)]


def latex_problems(log: str) -> list[str]:
    """Errors ("! ..."), warnings, and over/underfull boxes are not counted (layout, not content)."""
    return [line for line in log.splitlines() if line.startswith("!") or re.search(r"Warning", line)]


def compile_document(tmp_path: Path, driver: str, backend: str) -> tuple[str, str, str]:
    shutil.copy(HERE / f"{driver}.tex", tmp_path)
    run(tmp_path, "pdflatex", "-interaction=nonstopmode", "-halt-on-error", driver)
    backend_out = run(tmp_path, backend, driver)
    run(tmp_path, "pdflatex", "-interaction=nonstopmode", "-halt-on-error", driver)
    run(tmp_path, "pdflatex", "-interaction=nonstopmode", "-halt-on-error", driver)
    log = (tmp_path / f"{driver}.log").read_bytes().decode("utf-8", "replace")
    blg = (tmp_path / f"{driver}.blg").read_bytes().decode("utf-8", "replace")
    return log, blg, backend_out


@pytest.mark.parametrize("ascii", [False, True], ids=["utf8", "ascii"])
@pytest.mark.parametrize("style", ["plainnat", "ieeetran"])
def test_bibtex_compiles_clean(tmp_path: Path, style: str, ascii: bool) -> None:
    require("pdflatex", "bibtex", "kpsewhich")
    keys = export(tmp_path, "bibtex", ascii)
    log, blg, _ = compile_document(tmp_path, style, "bibtex")
    assert (tmp_path / f"{style}.pdf").exists(), log[-3000:]
    assert problems(latex_problems(log)) == []
    assert problems([line for line in blg.splitlines() if "Warning" in line or "error" in line.lower()]) == []
    bbl = (tmp_path / f"{style}.bbl").read_text(encoding="utf-8")
    assert [k for k in keys if f"\\bibitem{{{k}}}" not in bbl and f"]{{{k}}}" not in bbl] == []


@pytest.mark.parametrize("ascii", [False, True], ids=["utf8", "ascii"])
def test_biblatex_compiles_clean(tmp_path: Path, ascii: bool) -> None:
    require("pdflatex", "biber", "kpsewhich")
    keys = export(tmp_path, "biblatex", ascii, cjk=False)
    log, blg, _ = compile_document(tmp_path, "biblatex", "biber")
    assert (tmp_path / "biblatex.pdf").exists(), log[-3000:]
    assert problems(latex_problems(log)) == []
    assert problems([line for line in blg.splitlines() if re.search(r"\] (WARN|ERROR) ", line)]) == []
    bbl = (tmp_path / "biblatex.bbl").read_text(encoding="utf-8")
    assert [k for k in keys if f"\\entry{{{k}}}" not in bbl] == []
