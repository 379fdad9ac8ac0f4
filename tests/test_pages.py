"""The page parser on the five real seed pages and on hand-made pages."""

from __future__ import annotations

import pytest

from readlist.ingest.pages import parse_page
from readlist.ingest.reader import parse_text
from readlist.model import PartialDate
from readlist.text import normalize_title
from tests.paths import seed, seed_pages


def parse_seed(prefix: str):
    path = seed(prefix)
    entries, problems = parse_page(path.read_text(encoding="utf-8"), str(path))
    assert problems == []
    return path, entries


@pytest.mark.parametrize(("prefix", "count"), [("000", 60), ("001", 60), ("002", 213), ("003", 42), ("004", 228)])
def test_exact_entry_count_per_seed_page(prefix: str, count: int) -> None:
    _, entries = parse_seed(prefix)
    assert len(entries) == count
    assert all(e.title and e.abstract for e in entries)


def test_all_seed_pages_hold_about_600_entries_and_fewer_than_500_papers() -> None:
    entries = [e for p in seed_pages() for e in parse_page(p.read_text(encoding="utf-8"), p.name)[0]]
    assert len(entries) == 603
    assert len({normalize_title(e.title or "") for e in entries}) == 487


def _abstract_line(path, title_line: int) -> str:
    """The raw abstract text: the first non-blank line after the title, read from the page at run time."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(line for line in lines[title_line:] if line.strip()).strip()


FIRST_LAST = {
    "000": [
        (11, "Foundation Policies with Hilbert Representations"),
        (247, "UOE: Unlearning One Expert Is Enough For Mixture-of-experts LLMS"),
    ],
    "001": [
        (11, "Life, uh, Finds a Way: Systematic Neural Search"),
        (247, "Self-Specialization: Uncovering Latent Expertise within Large Language Models"),
    ],
    "002": [
        (3, "Choreographer: Learning and Adapting Skills in Imagination"),
        (427, "Embedding And Clustering Your Data Can Improve Contrastive Pretraining"),
    ],
    "003": [
        (13, "TAME: Task Agnostic Continual Learning using Multiple Experts"),
        (337, "Cross-Task Generalization via Natural Language Crowdsourcing Instructions"),
    ],
    "004": [
        (3, "A Multigrid Method for Efficiently Training Video Models"),
        (457, "TRANSIC: Sim-to-Real Policy Transfer by Learning from Online Correction"),
    ],
}


@pytest.mark.parametrize("prefix", sorted(FIRST_LAST))
def test_first_and_last_entries_field_by_field(prefix: str) -> None:
    path, entries = parse_seed(prefix)
    for entry, (line, title) in zip([entries[0], entries[-1]], FIRST_LAST[prefix], strict=True):
        assert entry.title == title
        assert entry.source_line == line
        assert entry.source_file == str(path)
        assert entry.abstract == _abstract_line(path, line)
        if prefix != "003":
            assert (entry.author_count, entry.date, entry.upvotes) == (None, None, None)


def test_metadata_of_the_blank_line_layout() -> None:
    _, entries = parse_seed("003")
    by_title = {e.title: e for e in entries}
    tame = entries[0]
    assert (tame.author_count, tame.date, tame.upvotes) == (4, PartialDate(2022, 10, 7), None)
    last = entries[-1]
    assert (last.author_count, last.date) == (4, PartialDate(2021, 4, 18))
    gpt3 = by_title["Language Models are Few-Shot Learners"]
    assert (gpt3.author_count, gpt3.date, gpt3.upvotes) == (31, PartialDate(2020, 5, 28), 1)
    # "Sep 29 2": a date without a year, then 2 upvotes
    (gcm,) = [e for e in entries if e.title and e.title.startswith("Generalized Correctness Models")]
    assert (gcm.author_count, gcm.date, gcm.upvotes) == (5, PartialDate(None, 9, 29), 2)
    assert gcm.date.iso == "--09-29"
    # an entry with no metadata at all keeps its abstract and gets none
    (gorl,) = [e for e in entries if e.title and e.title.startswith("GoRL:")]
    assert gorl.abstract and (gorl.author_count, gorl.date) == (None, None)


def test_header_noise_never_becomes_a_paper() -> None:
    titles = [e.title for p in seed_pages() for e in parse_page(p.read_text(encoding="utf-8"), p.name)[0]]
    for noise in ("new", "Subscribe", "Daily Papers", "Mar 17", "Dec 12", "by AK and the research community"):
        assert noise not in titles
    assert not any(t and (t.startswith("Subscribe") or "trending papers" in t or t.startswith("byAK")) for t in titles)


def test_exact_titles_keep_their_punctuation() -> None:
    _, entries = parse_seed("000")
    titles = {e.title for e in entries}
    assert "Adapt-infty: Scalable Lifelong Multimodal Instruction Tuning via Dynamic Data Selection" in titles
    assert "Life, uh, Finds a Way: Systematic Neural Search" in titles


def test_handmade_page_with_ids_mixed_in_and_title_without_abstract() -> None:
    text = "\n".join(
        [
            "Get trending papers in your email inbox once a day!",
            "SubscribeA Title Glued To Subscribe",
            "This abstract is synthetic text written for the test. It has two sentences.",
            "https://arxiv.org/abs/2402.15567v2",
            "A Title With No Abstract",
            "Another Title",
            "Synthetic abstract " * 20,
            "doi:10.1000/XYZ",
            "hep-th/9901001",
        ]
    )
    entries, problems = parse_page(text, "mixed.txt")
    assert problems == []
    assert [(e.title, e.arxiv_id, e.doi) for e in entries] == [
        ("A Title Glued To Subscribe", None, None),
        (None, "2402.15567", None),
        ("A Title With No Abstract", None, None),
        ("Another Title", None, None),
        (None, None, "10.1000/xyz"),
        (None, "hep-th/9901001", None),
    ]
    assert entries[2].abstract is None and entries[3].abstract
    assert [e.source_line for e in entries] == [2, 4, 5, 6, 8, 9]


def test_page_with_no_entries_is_a_problem_naming_the_file() -> None:
    result = parse_text("new\n\nSubscribe\n\nDaily Papers\n", "empty.txt")
    assert result.entries == []
    assert [str(p) for p in result.problems] == [
        "empty.txt: no entries found (expected titles with abstracts, ids or BibTeX)"
    ]


def test_orphan_abstract_is_reported_with_its_line() -> None:
    entries, problems = parse_page("A Title\n" + "x " * 200 + "\n" + "y " * 200 + "\n", "p.txt")
    assert len(entries) == 1
    assert [str(p) for p in problems] == ["p.txt:3: text with no title before it; skipped"]
