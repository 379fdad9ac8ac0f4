"""Pure scoring of source records against an entry, and the decision matched / needs-review / unresolved.

The score is a weighted mean of the components the entry allows (title always; abstract, authors and date when the
entry has them). The decision does not trust the mean alone: a match also needs a near-identical title (or, for a
title changed between arXiv versions, a near-identical abstract), no strong disagreement, and a clear margin over
the next different paper. Thresholds were measured on the labelled set (see docs/matching.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from readlist.identifiers import bare_arxiv_id
from readlist.keys import last_name
from readlist.model import Candidate, Entry, Outcome, PartialDate, Record
from readlist.similarity import DIFFERENT_ABSTRACTS, abstract_similarity, title_similarity
from readlist.text import fold, normalize_title, normalized

WEIGHTS = {"title": 0.5, "abstract": 0.3, "authors": 0.1, "date": 0.1}


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds; the defaults are the values chosen in docs/matching.md."""

    title: float = 0.95  # a matched title is the same title up to punctuation, case, LaTeX and a typo
    title_alone: float = 0.98  # with no abstract to compare, the titles must be all but identical
    title_loose: float = 0.85  # small wording edits are accepted only with the abstract agreeing
    abstract_agree: float = 0.90  # abstracts of one paper (different versions) score above this
    abstract_same: float = 0.97  # near-identical abstract: the paper, even when its title changed
    abstract_conflict: float = DIFFERENT_ABSTRACTS  # below this the abstracts describe different papers
    score: float = 0.85  # combined score a match needs
    review: float = 0.60  # combined score below which a candidate is not worth a question
    margin: float = 0.05  # a second, different paper within this of the best makes it a near tie


DEFAULT = Thresholds()
NO_CANDIDATE = "no candidate: no source has a record with a similar title"  # the resolver names the sources
# Below these a component is reported as disagreeing in the evidence (at or above 0.9 it agrees).
DISAGREE = {"title": DEFAULT.title_loose, "abstract": DEFAULT.abstract_conflict, "authors": 0.5, "date": 0.5}
REVIEW_KEEP = 5  # candidates kept for needs-review


def _surnames(names: list[str]) -> set[str]:
    return {normalize_title(fold(last_name(n))) for n in names if n.strip()}


def _author_component(entry: Entry, record: Record) -> tuple[float | None, str]:
    if not record.authors:
        return None, ""
    if entry.authors:
        mine, theirs = _surnames(entry.authors), _surnames(record.authors)
        overlap = len(mine & theirs) / max(len(mine), len(theirs), 1)
        return overlap, f"{len(mine & theirs)} of {len(mine)} surnames shared"
    if entry.author_count:
        n = len(record.authors)
        return (1.0 if n == entry.author_count else 0.0), f"{entry.author_count} authors vs {n}"
    return None, ""


def _day_distance(entry_date: PartialDate, published: PartialDate) -> int | None:
    """Days between the dates; month/day only (circular over the year) when the entry lacks its year."""
    if not (entry_date.month and published.year and published.month):
        return None
    if entry_date.year is None:
        if not (entry_date.day and published.day):
            return None
        ref = published.year if entry_date.month != 2 or entry_date.day != 29 else 2024
        try:
            diff = abs((date(ref, entry_date.month, entry_date.day) - date(ref, published.month, published.day)).days)
        except ValueError:
            return None
        return min(diff, 365 - diff)
    a = date(entry_date.year, entry_date.month, entry_date.day or 15)
    b = date(published.year, published.month, published.day or 15)
    slack = 15 if not (entry_date.day and published.day) else 0  # a month-only date may sit anywhere in the month
    return max(0, abs((a - b).days) - slack)


def _date_component(entry: Entry, record: Record) -> tuple[float | None, str]:
    published = PartialDate.from_iso(record.published)
    if not entry.date or not published:
        return None, ""
    days = _day_distance(entry.date, published)
    if days is None:
        return None, ""
    # Listing sites date a paper by its announcement, usually a few days after v1 submission.
    value = 1.0 if days <= 7 else max(0.0, 1.0 - (days - 7) / 60)
    return value, f"{entry.date.iso} vs {record.published} ({days} days apart)"


def score(entry: Entry, record: Record) -> Candidate:
    """Score one source record against an entry; the evidence names each component and what agreed or not."""
    components: dict[str, float] = {}
    notes: dict[str, str] = {}
    if entry.title:
        components["title"] = title_similarity(entry.title, record.title)
    if entry.abstract and record.abstract:
        components["abstract"] = abstract_similarity(entry.abstract, record.abstract)
    for name, compare in (("authors", _author_component), ("date", _date_component)):
        value, note = compare(entry, record)
        if value is not None:
            components[name], notes[name] = value, note
    total_weight = sum(WEIGHTS[k] for k in components)
    combined = sum(WEIGHTS[k] * v for k, v in components.items()) / total_weight if total_weight else 0.0
    evidence: dict[str, object] = {k: round(v, 3) for k, v in components.items()}
    if entry.arxiv_id and record.arxiv_id:
        evidence["arxiv_id"] = bare_arxiv_id(entry.arxiv_id) == bare_arxiv_id(record.arxiv_id)
    if entry.doi and record.doi:
        evidence["doi"] = entry.doi.lower() == record.doi.lower()
    ids_agree = [k for k in ("arxiv_id", "doi") if evidence.get(k) is True]
    if ids_agree and not components:
        combined = 1.0
    ids_differ = [k for k in ("arxiv_id", "doi") if evidence.get(k) is False]
    evidence["agreed"] = sorted([k for k, v in components.items() if v >= 0.9] + ids_agree)
    evidence["disagreed"] = sorted([k for k, v in components.items() if v < DISAGREE[k]] + ids_differ)
    evidence["details"] = notes
    evidence["source"] = record.provenance or record.source
    return Candidate(record, round(combined, 4), evidence)


def paper_key(record: Record) -> str:
    """What makes two records the same paper: the arXiv id, else the DOI, else the normalized title."""
    if record.arxiv_id:
        return f"arxiv:{record.arxiv_id}"
    if record.doi:
        return f"doi:{record.doi.lower()}"
    return f"title:{normalized(record.title)}"


def _comp(candidate: Candidate, name: str) -> float | None:
    value = candidate.evidence.get(name)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def acceptable(candidate: Candidate, t: Thresholds = DEFAULT) -> str | None:
    """None when the candidate may be accepted, else the reason it may not."""
    ev = candidate.evidence
    if ev.get("arxiv_id") is False or ev.get("doi") is False:
        return "identifier differs"
    title, abstract = _comp(candidate, "title"), _comp(candidate, "abstract")
    by_id = ev.get("arxiv_id") is True or ev.get("doi") is True
    if abstract is not None and abstract < t.abstract_conflict:
        return f"abstract differs ({abstract:.2f})"
    if by_id:
        # The identifier names the paper; the title only guards against a wrong identifier.
        if title is not None and title < 0.5 and (abstract is None or abstract < t.abstract_same):
            return f"identifier agrees but title differs ({title:.2f})"
        return None
    if title is None:
        return "no title to compare"
    retitled = title < t.title and abstract is not None and abstract >= t.abstract_same
    abstract_agrees = abstract is not None and abstract >= t.abstract_agree
    if not retitled and (title < t.title_loose or (title < t.title and not abstract_agrees)):
        return f"title differs ({title:.2f})"
    if abstract is None and title < t.title_alone:
        return f"title differs ({title:.2f}) and no abstract to compare"
    if abstract is None or retitled:
        # Without the abstract (or with the title changed) authors and date are the remaining witnesses; a title
        # with no witness at all could be any paper of that title.
        witnesses = {k: v for k in ("authors", "date") if (v := _comp(candidate, k)) is not None}
        against = [k for k, v in witnesses.items() if v < 0.5]
        if against:
            return f"{' and '.join(against)} disagree"
        if abstract is None and not witnesses:
            return "only the title to compare"
    if not retitled and candidate.score < t.score:
        return f"score {candidate.score:.2f} below {t.score:.2f}"
    return None


def _worth_asking(candidate: Candidate, t: Thresholds) -> bool:
    """A refused candidate still worth a question: the same title, an abstract of the same paper (another version
    of it, perhaps renamed), or a close title and no abstract against it."""
    title, abstract = _comp(candidate, "title") or 0.0, _comp(candidate, "abstract")
    if title >= t.title or (abstract is not None and abstract >= t.abstract_agree):
        return True
    close = candidate.score >= t.review and title >= t.title_loose - 0.15
    return close and (abstract is None or abstract >= t.abstract_conflict)


def decide(entry: Entry, candidates: list[Candidate], t: Thresholds = DEFAULT) -> Outcome:
    """Choose matched / needs-review / unresolved from the scored candidates (one per paper kept, best first)."""
    best_per_paper: dict[str, Candidate] = {}
    for cand in sorted(candidates, key=lambda c: -c.score):
        best_per_paper.setdefault(paper_key(cand.record), cand)
    ranked = list(best_per_paper.values())
    if not ranked:
        return Outcome("unresolved", reason=NO_CANDIDATE)
    best = ranked[0]
    refusal = acceptable(best, t)
    rival = next((c for c in ranked[1:] if best.score - c.score < t.margin and acceptable(c, t) is None), None)
    if refusal is None and rival is None:
        return Outcome("matched", best.record, best.score, best.evidence, [best])
    kept = ranked[:REVIEW_KEEP]
    if rival is not None and refusal is None:
        reason = f"near tie with {named(rival.record)} ({rival.score:.2f} vs {best.score:.2f})"
        return Outcome("needs-review", None, best.score, best.evidence, kept, reason)
    if any(_worth_asking(c, t) for c in kept):
        return Outcome("needs-review", None, best.score, best.evidence, kept, refusal)
    reason = f"best candidate {named(best.record)} rejected: {refusal}"
    return Outcome("unresolved", None, best.score, best.evidence, kept[:3], reason)


def named(record: Record) -> str:
    """A record as a reason names it: its identifier and title (``2105.05233 "Diffusion Models Beat GANs..."``)."""
    ident = record.arxiv_id or record.doi or (f"S2 {record.s2_id}" if record.s2_id else "")
    return f'{ident} "{record.title}"'.strip()
