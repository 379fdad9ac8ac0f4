"""Matching: scores, evidence and the matched / needs-review / unresolved decision on the known traps."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from rapidfuzz import fuzz, process

from readlist.ingest.pages import parse_page
from readlist.model import Entry, PartialDate, Record
from readlist.resolve.match import NO_CANDIDATE, abstract_similarity, decide, score, title_similarity
from readlist.text import normalize_title
from tests.paths import seed_pages

WORDS = (
    "model data learning training task method results performance network representation approach propose show "
    "benchmark language vision policy reward agent graph robust efficient scalable sparse dense retrieval signal"
).split()


def prose(seed: int, n: int = 160) -> str:
    """Deterministic synthetic abstract text (no real abstract is copied into the repo)."""
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(n)) + "."


def entry(title: str, abstract: str | None = None, **kw: object) -> Entry:
    return Entry("page.txt", 1, title=title, abstract=abstract, **kw)  # type: ignore[arg-type]


def record(title: str, abstract: str | None = None, arxiv_id: str = "2401.00001", **kw: object) -> Record:
    return Record("arxiv", title, abstract=abstract, arxiv_id=arxiv_id, **kw)  # type: ignore[arg-type]


def outcome_for(e: Entry, *records: Record):
    return decide(e, [score(e, r) for r in records])


@pytest.fixture(scope="module")
def seed_entries() -> dict[str, Entry]:
    """Seed page entries by normalized title (the first occurrence of each)."""
    found: dict[str, Entry] = {}
    for page in seed_pages():
        entries, _ = parse_page(page.read_text(encoding="utf-8"), page.name)
        for e in entries:
            if e.title:
                found.setdefault(normalize_title(e.title), e)
    return found


def as_record(e: Entry, arxiv_id: str) -> Record:
    """The record arXiv would hold for a seed entry (its abstract read from the page at run time)."""
    return record(e.title or "", e.abstract, arxiv_id)


def test_title_normalization_ignores_latex_case_and_punctuation() -> None:
    assert title_similarity("Adapt-$\\infty$: Scalable Lifelong Tuning", "ADAPT-INFTY - scalable lifelong tuning.") == 1
    assert title_similarity("Language Models are Few-Shot Learners", "Language Models are Few-Shot Butlers") < 0.95


def test_truncated_abstract_still_agrees() -> None:
    text = prose(1)
    assert abstract_similarity(text[: len(text) // 2], text) > 0.99
    assert abstract_similarity(prose(2), text) < 0.7


def test_exact_paper_matched_with_evidence() -> None:
    text = prose(3)
    e = entry("Foundation Policies with Hilbert Representations", text, author_count=3, date=PartialDate(2024, 2, 26))
    r = record(
        e.title or "",
        text,
        "2402.15567",
        authors=["Seohong Park", "Tobias Kreiman", "Sergey Levine"],
        published="2024-02-23",
    )
    out = outcome_for(e, r)
    assert out.status == "matched" and out.record is r
    assert out.score == pytest.approx(1.0)
    assert out.evidence["agreed"] == ["abstract", "authors", "date", "title"]
    assert out.evidence["disagreed"] == []
    assert "3 authors vs 3" in out.evidence["details"]["authors"]  # type: ignore[index]


def test_no_candidate_is_unresolved_with_reason() -> None:
    out = decide(entry("Some Paper"), [])
    assert out.status == "unresolved" and out.reason == NO_CANDIDATE and out.reason.startswith("no candidate: ")


def test_diffusion_trap_shared_abstract_different_title(seed_entries: dict[str, Entry]) -> None:
    beat = seed_entries[normalize_title("Diffusion Models Beat GANs on Image Classification")]
    text_free_title = "Do text-free diffusion models learn discriminative visual representations?"
    text_free = seed_entries[normalize_title(text_free_title)]
    wrong = as_record(text_free, "2311.17921")
    right = as_record(beat, "2307.08702")
    alone = outcome_for(beat, wrong)
    assert alone.status != "matched"
    both = outcome_for(beat, wrong, right)
    assert both.status == "matched" and both.record is right
    assert outcome_for(text_free, right, wrong).record is wrong


def test_same_title_different_paper_is_not_matched() -> None:
    e = entry("Learning Widgets from Data", prose(4), author_count=3, date=PartialDate(2023, 6, 1))
    other = record(e.title or "", prose(5), authors=["A One", "B Two", "C Three", "D Four"], published="2019-03-02")
    out = outcome_for(e, other)
    assert out.status == "needs-review"
    assert "abstract differs" in (out.reason or "")
    assert "abstract" in out.evidence["disagreed"]  # type: ignore[operator]


def test_title_only_entry_with_disagreeing_count_and_date_is_a_question() -> None:
    e = entry("Learning Widgets from Data", author_count=3, date=PartialDate(2023, 6, 1))
    right = record(e.title or "", authors=["A", "B", "C"], published="2023-05-30")
    wrong = replace(right, authors=["A", "B", "C", "D", "E"], published="2020-01-10", arxiv_id="2001.00002")
    assert outcome_for(e, right).status == "matched"
    out = outcome_for(e, wrong)
    assert out.status == "needs-review" and out.reason == "authors and date disagree"


def test_date_without_year_compares_month_and_day() -> None:
    e = entry("Learning Widgets from Data", date=PartialDate(None, 6, 2))
    near = score(e, record(e.title or "", published="2023-05-31"))
    far = score(e, record(e.title or "", published="2023-11-20"))
    assert near.evidence["date"] == 1.0 and "date" in near.evidence["agreed"]  # type: ignore[operator]
    assert far.evidence["date"] == 0.0 and "date" in far.evidence["disagreed"]  # type: ignore[operator]


def test_near_identical_titles_by_same_authors() -> None:
    authors = ["Ada Lovelace", "Alan Turing"]
    one = record("Scaling Widget Models I: Foundations", prose(6), "2301.00001", authors=authors)
    two = record("Scaling Widget Models II: Foundations", prose(7), "2301.00002", authors=authors)
    assert title_similarity(one.title, two.title) > 0.95
    with_abstract = entry(two.title, prose(7))
    assert outcome_for(with_abstract, one, two).record is two
    dated = entry(two.title, date=PartialDate(2023, 1, 3))
    out = outcome_for(dated, replace(one, published="2023-01-02"), replace(two, published="2023-01-02"))
    assert out.status == "needs-review" and "near tie" in (out.reason or "")
    assert {c.record.arxiv_id for c in out.candidates} == {"2301.00001", "2301.00002"}


def test_famous_title_among_follow_ups() -> None:
    follow_ups = [
        record(t, arxiv_id=f"2{i}01.0000{i}")
        for i, t in enumerate(
            [
                "Attention Is Not All You Need",
                "Attention Is All You Need In Speech Separation",
                "Graph Attention Is All You Need",
                "Pay Attention to MLPs",
            ]
        )
    ]
    famous = record("Attention Is All You Need", prose(9), "1706.03762", published="2017-06-12")
    e = entry("Attention is all you need", prose(9))
    out = outcome_for(e, *follow_ups, famous)
    assert out.status == "matched" and out.record is famous
    assert outcome_for(e, *follow_ups).status != "matched"


def test_a_bare_title_is_a_question_not_a_match() -> None:
    """With nothing but the title, a same-title paper cannot be told apart: ask rather than guess."""
    out = outcome_for(entry("Learning Latent Plans from Play"), record("Learning Latent Plans from Play"))
    assert out.status == "needs-review" and out.reason == "only the title to compare"


def test_title_changed_between_versions_matches_on_identical_abstract() -> None:
    text = prose(8)
    e = entry("BARE: Combining Base and Instruction-Tuned Language Models for Better Synthetic Data Generation", text)
    latest = record("BARE: Leveraging Base Language Models for Few-Shot Synthetic Data Generation", text, "2502.01697")
    out = outcome_for(e, latest)
    assert out.status == "matched"
    assert out.evidence["title"] < 0.95  # type: ignore[operator]
    # Without the abstract the changed title is a question, not a match.
    assert outcome_for(entry(e.title or ""), latest).status == "needs-review"


def test_identifier_decides_and_guards() -> None:
    r = record("Foundation Policies with Hilbert Representations", arxiv_id="2402.15567")
    assert outcome_for(Entry("ids.txt", 1, arxiv_id="2402.15567"), r).status == "matched"
    mismatch = outcome_for(Entry("x.bib", 1, title="Something Else Entirely", arxiv_id="2402.15567"), r)
    assert mismatch.status != "matched"


def test_seed_entries_never_match_another_seed_paper(seed_entries: dict[str, Entry]) -> None:
    """Every seed entry, its own paper withheld, against its nearest other seed papers: no match at all."""
    keys = list(seed_entries)
    records = [as_record(seed_entries[k], f"{i:04d}.00001") for i, k in enumerate(keys)]
    wrong = []
    for i, key in enumerate(keys):
        e = seed_entries[key]
        near = process.extract(key, keys[:i] + keys[i + 1 :], scorer=fuzz.ratio, limit=5)
        others = [records[keys.index(k)] for k, _, _ in near]
        for variant in (e, replace(e, abstract=None)):
            out = outcome_for(variant, *others)
            if out.status == "matched":
                wrong.append((e.title, out.record.title if out.record else None))
        assert outcome_for(e, records[i], *others).record is records[i]
    assert wrong == []


def test_an_unresolved_reason_names_the_candidate_it_compared_with() -> None:
    e = entry("Learning Widgets from Data", prose(4))
    far = record("Gadgets Everywhere: A Survey", prose(5), "1901.00042")
    out = outcome_for(e, far)
    assert out.status == "unresolved"
    assert out.reason and out.reason.startswith('best candidate 1901.00042 "Gadgets Everywhere: A Survey" rejected: ')
