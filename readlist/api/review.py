"""Settling papers that need review: accept one of their candidates, or reject them all.

`review` gives a session: the papers to review, one at a time, fully loaded; what the user decides for each is
applied at once and counted. The dialogue itself is the command's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from readlist.api.library import Library, select
from readlist.errors import ReadlistError

if TYPE_CHECKING:
    from readlist.model import Paper


class Reviewing(Library):
    def to_review(self) -> list[Paper]:
        """The papers that need review, in the order they were added."""
        return sorted(self.store.papers(select(status="needs-review")), key=lambda p: p.id)

    def accept(self, ref: str, candidate: str) -> Paper:
        """Match a paper to one of its candidates (arXiv id, S2 id, DOI or 1-based rank); the others are kept."""
        from readlist.model import Outcome

        paper = self.get(ref)
        for rank, cand in enumerate(paper.candidates, start=1):
            if candidate in (cand.record.arxiv_id, cand.record.s2_id, cand.record.doi, str(rank)):
                evidence = {**cand.evidence, "decided_by": "review"}
                outcome = Outcome("matched", cand.record, cand.score, evidence, paper.candidates)
                self._keys()
                with self.store.transaction():
                    pid = self.store.apply_outcome(paper.id, outcome)
                return self.store.get(pid)
        ids = ", ".join(
            f"{rank} ({c.record.arxiv_id or c.record.doi or c.record.s2_id})"
            for rank, c in enumerate(paper.candidates, start=1)
        )
        raise ReadlistError(
            f"{paper.key}: no candidate {candidate!r}; "
            + (f"its candidates are {ids}" if ids else "it has no candidates (`readlist resolve` looks again)")
        )

    def reject(self, ref: str) -> Paper:
        """Reject every candidate, a match too: the paper shows what its sources said; `accept` undoes it."""
        paper = self.get(ref)
        self._keys()
        with self.store.transaction():
            self.store.reject(paper.id)
        return self.store.get(paper.id)

    def review(self, ref: str | None = None) -> Review:
        """A review session over the paper ``ref`` names, or every paper that needs review."""
        return Review(self, [self.get(ref)] if ref else self.to_review())


class Review:
    """The papers to review, one at a time (iterate), and what was decided for each (``done``)."""

    def __init__(self, reading_list: Reviewing, papers: list[Paper]) -> None:
        self._rl, self.papers = reading_list, papers
        self.done = {"accepted": 0, "rejected": 0, "skipped": 0}

    def __iter__(self) -> Iterator[Paper]:
        """Each paper, loaded again when its turn comes (with its candidates, as decisions so far left it)."""
        for paper in self.papers:
            yield self._rl.get(str(paper.id))

    def decide(self, paper: Paper, candidate: str | None) -> Paper:
        """Accept ``candidate`` (as `accept` takes it) for ``paper``, or reject every candidate (None)."""
        ref = str(paper.id)
        decided = self._rl.reject(ref) if candidate is None else self._rl.accept(ref, candidate)
        self.done["rejected" if candidate is None else "accepted"] += 1
        return decided

    def skip(self, paper: Paper) -> Paper:
        self.done["skipped"] += 1
        return paper

    def left(self) -> int:
        """How many papers still need review."""
        return len(self._rl.to_review())
