"""Completing a match (`readlist.resolve.run` asks for the records): its base record and what enriching sources know
of its publication merged in, or why it waits.

A failure to fetch them leaves the entry pending with the match kept, to be completed next run; except an
enrichment that only offline mode kept from being asked: the match stands, and its evidence says what it still
lacks (`states.INCOMPLETE`), which the next `readlist resolve` online adds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace

from readlist.errors import ApiError, NetworkError, Offline
from readlist.identifiers import bare_arxiv_id
from readlist.model import Outcome, Record
from readlist.states import INCOMPLETE


def failure(source: str, exc: Exception) -> str:
    """Why entries stay pending: ``network: arXiv: connection failed (...)``, ``bad answer: Semantic Scholar: ...``."""
    kind = "network" if isinstance(exc, NetworkError) else "bad answer"
    return f"{kind}: {source}: {exc}"


@dataclass(frozen=True)
class Failure:
    """Why a source could not answer for an id, and whether only offline mode kept it from asking."""

    reason: str
    offline: bool


Answers = tuple[dict[str, Record | None], dict[str, Failure]]  # records by arXiv id, and why for failed chunks
AskedIds = list[tuple[list[str], Future[Mapping[str, Record | None]], str]]  # chunks asked, their jobs, who was asked


def gather(jobs: AskedIds) -> Answers:
    """Results of chunked jobs keyed by bare arXiv id, and why for each id whose chunk failed."""
    found: dict[str, Record | None] = {}
    failed: dict[str, Failure] = {}
    for chunk, job, label in jobs:
        try:
            found.update({bare_arxiv_id(k): v for k, v in job.result().items()})
        except (NetworkError, ApiError) as exc:
            failed.update(dict.fromkeys(chunk, Failure(failure(label, exc), isinstance(exc, Offline))))
    return found, failed


def complete(base: Record, extra: Record | None) -> Record:
    """``base`` completed with what an enriching record (``extra``) knows about publication.

    Sources drop preprint-server-as-venue noise, so any venue or journal left in ``extra`` means the paper was
    published: then venue, journal, volume, pages and the venue year replace the base's.
    """
    year = base.year or (int(base.published[:4]) if base.published else None)
    if extra is None:
        return replace(base, year=year)
    published = bool(extra.venue or extra.journal)
    return replace(
        base,
        doi=base.doi or extra.doi,
        s2_id=extra.s2_id or base.s2_id,
        authors=base.authors or extra.authors,
        abstract=base.abstract or extra.abstract,
        published=base.published or extra.published,
        venue=extra.venue if published else base.venue,
        journal=extra.journal if published else base.journal,
        volume=extra.volume if published else base.volume,
        pages=extra.pages if published else base.pages,
        publication_types=list(extra.publication_types) or base.publication_types,
        year=(extra.year or year) if published else year,
    )


def completed(
    outcome: Outcome, match: Record, bases: Answers | None, enriched: Sequence[tuple[bool, Answers]]
) -> Outcome:
    """The outcome of ``match`` with its base record (``bases``: the base records fetched, None when the match is
    its own base) and every enriching source's answers (each marked True when that source made the match)."""
    key = bare_arxiv_id(match.arxiv_id) if match.arxiv_id else ""
    base_failure = bases[1].get(key) if bases is not None else None
    failures = [answers[1][key] for own, answers in enriched if not own and key in answers[1]]
    stop = base_failure or next((f for f in failures if not f.offline), None)
    if stop is not None:
        return replace(outcome, status="pending", reason=stop.reason)
    record = (bases[0].get(key) if bases is not None else None) or match
    for own, answers in enriched:
        record = complete(record, match if own else answers[0].get(key))
    evidence = dict(outcome.evidence)
    if failures:  # only offline mode kept an enriching source from asking: the match stands
        evidence[INCOMPLETE] = "; ".join(f.reason for f in failures)
    return replace(outcome, record=record if enriched else complete(record, None), evidence=evidence)
