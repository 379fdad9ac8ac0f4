"""Real bibliographies (tests/fixtures/bib, README there) go through readlist and come back as they went in.

Each file is imported into a fresh library, exported (BibTeX and biblatex flavours), imported again and exported
again (`tests.bibcorpus.round_trip`). Checked: every key, type and field of the original is in the export as
written; bibtexparser v2 and pybtex read every original field the same from the export; the second export is
byte for byte the first; bibtex (plainnat) and biber give no warning for the export that they do not give for the
original. The figures are in docs/exports.md (``python -m tests.bibcorpus``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.bibcorpus import (
    bibtexparser_fields,
    compare,
    corpus_files,
    new_warnings,
    pybtex_fields,
    reader_differences,
    round_trip,
    tools_missing,
)

FILES = corpus_files()
# biber takes ~1.5 s a file: these (biblatex's own examples, the TUGboat-style and IEEE bibliographies, BibTeX's
# example file, crossref chains) are compiled by the suite; `python -m tests.bibcorpus --compile` does all.
BIBER_FILES = [
    "base--xampl.bib", "biblatex-examples.bib", "beebe--texbook1.bib", "ieeetran--IEEEexample.bib",
    "biblatex-abnt.bib", "archaeologie-examples.bib", "biblatex-bookinother--example-bookinincollection.bib",
    "abntex2-options.bib", "koma-script--scrguide.bib", "jurabib--jbtesthu.bib",
]  # fmt: skip


@pytest.fixture(scope="module")
def trips(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], tuple[str, str, list[str], list[str]]]:
    """(file name, flavour) -> round_trip's result, computed once for the module."""
    out = {}
    for bib in FILES:
        for flavor in ("bibtex", "biblatex"):
            out[(bib.name, flavor)] = round_trip(bib, flavor, tmp_path_factory.mktemp("trip"))
    return out


def test_the_corpus_is_real_and_large() -> None:
    entries = sum(compare(f.read_text(encoding="utf-8"), "").entries for f in FILES)
    assert len(FILES) >= 80 and entries >= 2000


@pytest.mark.parametrize("flavor", ["bibtex", "biblatex"])
@pytest.mark.parametrize("bib", FILES, ids=[f.name for f in FILES])
def test_keys_types_and_fields_come_back_as_written_and_the_round_trip_is_byte_stable(
    trips: dict, bib: Path, flavor: str
) -> None:
    original = bib.read_text(encoding="utf-8")
    first, second, problems, warnings = trips[(bib.name, flavor)]
    assert problems == []
    result = compare(original, first)
    # a key is lost only where BibTeX too ignores the entry (a repeated key), and the import says so
    assert all(any(f"entry {key!r}: repeats the key" in w for w in warnings) for key in result.keys_lost)
    assert result.types_changed == []
    assert dict(result.fields_dropped) == {}
    assert result.fields_changed == []
    assert second == first
    assert reader_differences(original, first, bibtexparser_fields) == []
    assert reader_differences(original, first, pybtex_fields) == []


@pytest.mark.parametrize("bib", FILES, ids=[f.name for f in FILES])
def test_bibtex_plainnat_gives_no_new_warning(trips: dict, bib: Path) -> None:
    if missing := tools_missing("bibtex"):
        pytest.fail(f"missing {missing}") if os.environ.get("READLIST_REQUIRE_TOOLS") == "1" else pytest.skip()
    first = trips[(bib.name, "bibtex")][0]
    assert new_warnings(bib.read_text(encoding="utf-8"), first, "bibtex") == []


@pytest.mark.parametrize("name", BIBER_FILES)
def test_biber_gives_no_new_warning(trips: dict, name: str) -> None:
    if missing := tools_missing("biblatex"):
        pytest.fail(f"missing {missing}") if os.environ.get("READLIST_REQUIRE_TOOLS") == "1" else pytest.skip()
    bib = next(f for f in FILES if f.name == name)
    first = trips[(name, "biblatex")][0]
    assert new_warnings(bib.read_text(encoding="utf-8"), first, "biblatex") == []
