"""The real-world .bib corpus (tests/fixtures/bib) and the round trip it is checked with.

For each file: import it into a fresh library, export it (BibTeX or biblatex flavour), import that export into
another fresh library and export again. ``round_trip`` returns both exports; ``compare`` says what the first export
lost against the original file, read by readlist's own reader, bibtexparser v2 and pybtex; ``compile_warnings``
runs pdflatex + bibtex (plainnat) or biber over a file. ``python -m tests.bibcorpus`` prints the figures
docs/exports.md gives.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from readlist.api import ReadingList
from readlist.config import Settings
from readlist.export.base import ExportOptions
from readlist.ingest.bibscan import scan

CORPUS = Path(__file__).parent / "fixtures" / "bib"
FLAVORS = ("bibtex", "biblatex")
OWN = ("readlist-state", "readlist-status")


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.bib"))


def _settings(folder: Path) -> Settings:
    return Settings(library=folder / "library.sqlite", cache=folder / "cache.sqlite", offline=True)


def import_export(bib: Path, flavor: str, folder: Path) -> tuple[str, list[str], list[str]]:
    """(export text, problems, warnings) of importing ``bib`` into a fresh library in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    with ReadingList(_settings(folder)) as rl:
        report = rl.import_bib(str(bib))
        out = io.StringIO()
        rl.export(flavor, None, options=ExportOptions(flavor=flavor), stream=out)
    return out.getvalue(), [str(p) for p in report.problems], report.warnings


def round_trip(bib: Path, flavor: str, work: Path) -> tuple[str, str, list[str], list[str]]:
    """(first export, second export, problems, warnings of the first import)."""
    first, problems, warnings = import_export(bib, flavor, work / "one")
    again = work / "first.bib"
    again.write_text(first, encoding="utf-8")
    second, _, _ = import_export(again, flavor, work / "two")
    return first, second, problems, warnings


@dataclass
class Comparison:
    entries: int = 0
    keys_lost: list[str] = field(default_factory=list)
    keys_generated: int = 0
    types_changed: list[str] = field(default_factory=list)
    fields_dropped: Counter = field(default_factory=Counter)  # field name -> count
    fields_changed: list[str] = field(default_factory=list)


def _entries(text: str) -> dict[str, tuple[str, dict[str, str]]]:
    """key -> (type, {lower-case field name: raw value or expression}) by readlist's reader (first of a key)."""
    out: dict[str, tuple[str, dict[str, str]]] = {}
    for block in scan(text).blocks:
        if block.type == "preamble" or not block.key or block.key in out:
            continue
        out[block.key] = (block.type.lower(), {f.name.lower(): f.expression or f.value for f in block.fields})
    return out


def compare(original: str, exported: str) -> Comparison:
    """What the export lost against the original: keys, types, fields (raw values)."""
    before, after = _entries(original), _entries(exported)
    result = Comparison(entries=sum(1 for b in scan(original).blocks if b.type != "preamble"))
    result.keys_generated = len(after) - len(before)
    for key, (entry_type, fields) in before.items():
        if key not in after:
            result.keys_lost.append(key)
            continue
        new_type, new_fields = after[key]
        if new_type != entry_type:
            result.types_changed.append(f"{key}: {entry_type} -> {new_type}")
        for name, value in fields.items():
            if name in OWN or (name in ("annote",) and "annote" in new_fields):
                continue
            if name not in new_fields:
                result.fields_dropped[name] += 1
            elif new_fields[name] != value:
                result.fields_changed.append(f"{key}.{name}")
    return result


def bibtexparser_fields(text: str) -> dict[str, dict[str, str]]:
    """key -> {lower-case field: value} as bibtexparser v2 reads the text (macros expanded, enclosing removed)."""
    import bibtexparser

    library = bibtexparser.parse_string(text)
    out: dict[str, dict[str, str]] = {}
    for entry in library.entries:
        out.setdefault(entry.key, {f.key.lower(): str(f.value) for f in entry.fields})
    return out


def pybtex_fields(text: str) -> dict[str, dict[str, str]]:
    """key -> {lower-case field: value, and each person role as its names joined} as pybtex reads the text."""
    import pybtex.errors
    from pybtex.database import parse_string

    pybtex.errors.set_strict_mode(False)  # a repeated key or field is reported, not raised (BibTeX goes on too)
    try:
        data = parse_string(text, "bibtex")
    finally:
        pybtex.errors.set_strict_mode(True)
    out: dict[str, dict[str, str]] = {}
    for key, entry in data.entries.items():
        fields = {k.lower(): str(v) for k, v in entry.fields.items()}
        for role, persons in entry.persons.items():
            fields[role.lower()] = " and ".join(str(p) for p in persons)
        out[key] = fields
    return out


def reader_differences(original: str, exported: str, read) -> list[str]:
    """Fields of the original that ``read`` (bibtexparser_fields or pybtex_fields) reads otherwise in the export.

    Where that reader misreads the original itself (bibtexparser ends a "..." value at a quote inside braces,
    which BibTeX reads as text), the export is compared with what BibTeX reads there (readlist's reader)."""
    before, after = read(original), read(exported)
    truth = _entries(original)
    diffs = []
    for key, fields in before.items():
        new = after.get(key)
        if new is None:
            if key and not key.startswith("unnamed-"):  # a key-less entry gets a key (pybtex: "unnamed-N")
                diffs.append(f"{key}: missing")
            continue
        for name, value in fields.items():
            if name in OWN or (read is bibtexparser_fields and "#" in value):
                continue  # bibtexparser does not join `#` pieces: it keeps the expression as a string
            if new.get(name) == value:
                continue
            written = truth.get(key, ("", {}))[1].get(name)
            if read is bibtexparser_fields and written is not None and written != value and new.get(name) == written:
                continue  # bibtexparser misread the original; it reads the export as BibTeX reads the original
            diffs.append(f"{key}.{name}: {value!r} -> {new.get(name)!r}")
    return diffs


def misread_by_bibtexparser(original: str) -> list[str]:
    """Fields bibtexparser reads otherwise than BibTeX in the original (quotes inside braces in "..." values)."""
    truth, read = _entries(original), bibtexparser_fields(original)
    return [
        f"{key}.{name}"
        for key, fields in read.items()
        for name, value in fields.items()
        if "#" not in value and key in truth and truth[key][1].get(name, value) != value
    ]


# -- compiling ---------------------------------------------------------------------------------------------------

_BIBTEX_DOC = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage[utf8]{inputenc}
\usepackage{url}
\usepackage[numbers]{natbib}
\begin{document}
\nocite{*}
\bibliographystyle{plainnat}
\bibliography{refs}
\end{document}
"""
_BIBLATEX_DOC = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage[utf8]{inputenc}
\usepackage[backend=biber]{biblatex}
\addbibresource{refs.bib}
\begin{document}
\nocite{*}
\printbibliography
\end{document}
"""
_BLG_WARNING = re.compile(r"^Warning--(.*)$|> (?:WARN|ERROR) - (.*)$|^(I was expecting .*|I'm skipping .*)$")


def tools_missing(flavor: str) -> list[str]:
    tools = ("pdflatex", "bibtex") if flavor == "bibtex" else ("pdflatex", "biber")
    return [t for t in tools if shutil.which(t) is None]


def backend_warnings(bib_text: str, flavor: str) -> list[str]:
    """The warnings and errors bibtex (plainnat) or biber gives for this .bib file, every entry cited.

    Only the backend runs (one pdflatex pass writes the .aux it reads): the lines of its log that say what it
    made of the file, with the file's own line numbers and names taken out so that two files compare."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "refs.bib").write_text(bib_text, encoding="utf-8")
        (folder / "doc.tex").write_text(_BIBTEX_DOC if flavor == "bibtex" else _BIBLATEX_DOC, encoding="utf-8")
        subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "-draftmode", "doc"], cwd=folder, capture_output=True,
            timeout=300, check=False,
        )  # fmt: skip
        backend = ["bibtex", "doc"] if flavor == "bibtex" else ["biber", "doc"]
        subprocess.run(backend, cwd=folder, capture_output=True, timeout=600, check=False)
        log = (folder / "doc.blg").read_text(encoding="utf-8", errors="replace")
    lines = []
    for line in log.splitlines():
        m = _BLG_WARNING.search(line)
        if m:
            text = next(g for g in m.groups() if g)
            lines.append(
                re.sub(r"(line|entry) \d+|---line \d+ of file \S+|refs\.bib|/tmp/\S+|\d+ characters", "", text).strip()
            )
    return lines


def new_warnings(original: str, exported: str, flavor: str) -> list[str]:
    """Backend warnings for the export that the original file does not also give (as lines: plainnat repeats some,
    as many times as an entry's neighbours in sort order make it check them), but for those about entries the
    original could not cite: an entry without a key, or repeating an earlier key (BibTeX skips them; readlist
    keeps them under new keys, so the backend now sees them and says what it says of any entry like them)."""
    before = set(backend_warnings(original, flavor))
    after = set(backend_warnings(exported, flavor))
    new_keys = set(_entries(exported)) - {k.lower() for k in _entries(original)} - set(_entries(original))
    about_new = re.compile("|".join(rf"(?<![\w:-]){re.escape(k)}(?![\w:-])" for k in new_keys)) if new_keys else None
    return sorted(w for w in after - before if not (about_new and about_new.search(w)))


def main(compile_all: bool = False) -> None:
    """Print the corpus figures (docs/exports.md): per flavour, what the round trip kept, and with ``--compile``
    the new warnings of bibtex (plainnat) and biber on every file."""
    totals: Counter = Counter()
    for bib in corpus_files():
        original = bib.read_text(encoding="utf-8")
        totals["files"] += 1
        totals["entries"] += compare(original, "").entries
        totals["fields"] += sum(len(f) for _, f in _entries(original).values())
        totals["bibtexparser misreads of the originals"] += len(misread_by_bibtexparser(original))
        for flavor in FLAVORS:
            with tempfile.TemporaryDirectory() as tmp:
                first, second, problems, warnings = round_trip(bib, flavor, Path(tmp))
            c = compare(original, first)
            silent = [k for k in c.keys_lost if not any(f"entry {k!r}" in w for w in warnings)]
            totals[f"{flavor}: keys lost without a message"] += len(silent)
            totals[f"{flavor}: keys BibTeX ignores (repeated), kept under new keys with a warning"] += len(c.keys_lost)
            totals[f"{flavor}: keys generated (entries without a usable key)"] += max(c.keys_generated, 0)
            totals[f"{flavor}: types changed"] += len(c.types_changed)
            totals[f"{flavor}: fields dropped"] += sum(c.fields_dropped.values())
            totals[f"{flavor}: fields changed"] += len(c.fields_changed)
            totals[f"{flavor}: byte-stable round trips"] += first == second
            differences = reader_differences(original, first, bibtexparser_fields)
            totals[f"{flavor}: bibtexparser differences"] += len(differences)
            totals[f"{flavor}: pybtex differences"] += len(reader_differences(original, first, pybtex_fields))
            if compile_all and not tools_missing(flavor):
                new = new_warnings(original, first, flavor)
                totals[f"{flavor}: files with new {'bibtex' if flavor == 'bibtex' else 'biber'} warnings"] += bool(new)
                if new:
                    print(bib.name, flavor, new)
            if flavor == "bibtex":
                totals["import errors"] += len(problems)
                totals["import warnings"] += len(warnings)
    for name, value in totals.items():
        print(f"{name}: {value}")


if __name__ == "__main__":
    import sys

    main(compile_all="--compile" in sys.argv)
