"""Property tests (hypothesis) for the page parser and the .bib importer: no input crashes them."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from readlist.errors import InputError
from readlist.identifiers import parse_identifier
from readlist.ingest.bibtex import parse_bib
from readlist.ingest.pages import _NOISE, _is_metadata, parse_page

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# a title: one line of printable text (any script, LaTeX specials, RTL marks), not too long
title_text = (
    st.text(
        st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\u0085"),
        min_size=1,
        max_size=200,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(
        lambda s: (
            s
            and not _NOISE.match(s)
            and not _is_metadata(s)
            and not parse_identifier(s)
            and not s.startswith("Subscribe")
        )
    )
)
sentence = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=20, max_size=80)
abstract_text = st.lists(sentence, min_size=6, max_size=12).map(lambda xs: " ".join(". ".join(xs).split()) + ".")


@SETTINGS
@given(st.lists(st.tuples(title_text, abstract_text), min_size=1, max_size=8), st.booleans())
def test_pages_give_back_every_title_and_abstract(pairs: list[tuple[str, str]], blank_lines: bool) -> None:
    sep = "\n\n" if blank_lines else "\n"
    text = sep.join(f"{t}{sep}{a}" for t, a in pairs)
    entries, problems = parse_page(text, "p.txt")
    assert problems == []
    assert [(e.title, e.abstract) for e in entries] == pairs


@SETTINGS
@given(st.text(max_size=3000))
def test_any_text_parses_without_crashing(text: str) -> None:
    entries, problems = parse_page(text, "p.txt")
    assert all(isinstance(p, InputError) for p in problems)
    n_lines = len(text.splitlines())
    assert all(1 <= e.source_line <= n_lines for e in entries)


bib_chunks = st.sampled_from(
    ["@article{", "@misc{k,", "title = {", "}", "{", '"', "author = ", " and ", "@string{s = {x}}", "@comment{",
     "crossref = {k}", ",", "\n", "=", "#", "\\'e", "$", "%", "year = 2020", "eprint = {2402.15567}",
     "\\date", "\\href ", "\\url", "\\cite"]
)  # fmt: skip


@SETTINGS
@given(st.lists(st.one_of(bib_chunks, st.text(max_size=10)), max_size=60).map("".join))
@example("@misc{k,\n title = {\\date},\n note = {\\href x}\n}\n")  # pylatexenc fails inside on these
def test_any_bib_text_imports_without_crashing(text: str) -> None:
    parsed = parse_bib(text, "x.bib")
    assert all(isinstance(p, InputError) and p.source == "x.bib" for p in parsed.problems + parsed.warnings)
    assert all(e.bib is not None and e.source_file == "x.bib" for e in parsed.entries)
