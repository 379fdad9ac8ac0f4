"""Adding papers: parse inputs, store every entry at once (pending), then resolve them; `resolve` finishes later.

Ctrl-C or SIGTERM (`readlist.interrupt`) while entries are read and stored is held until they are stored; during
resolution it stops at once, keeping the resolutions already finished, and is raised as `Interrupted` saying how
many papers of the command are still pending.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from readlist.api.library import Library, select
from readlist.errors import ReadlistError
from readlist.interrupt import Interrupted, deferred, signum_of
from readlist.states import DUPLICATE

if TYPE_CHECKING:
    from readlist.api.report import Report
    from readlist.model import Outcome, Paper
    from readlist.resolve.progress import ProgressSink
    from readlist.store.library import Filters


def progress_on(stream: TextIO) -> ProgressSink:
    """How resolution shows its progress on ``stream``: a live bar on a terminal, a few lines otherwise."""
    from readlist.resolve.progress import progress_for

    return progress_for(stream)


class Adding(Library):
    def add(self, inputs: Sequence[str], resolve: bool = True, progress: ProgressSink | None = None) -> Report:
        """Parse the inputs and store every entry, pending, in one transaction; then resolve the papers of these
        inputs that are pending (unless not ``resolve``), and store each outcome."""
        from readlist.api.report import NOT_RESOLVED, Report
        from readlist.ingest.reader import read_inputs
        from readlist.model import Outcome

        self._keys()
        with deferred() as held:
            parsed = read_inputs(list(inputs))
            flagged = self._flagged()
            with self.store.transaction(bulk=True):
                self.store.add_preambles(parsed.preambles)
                stored = self.store.add_entries(parsed.entries, Outcome("pending", reason=NOT_RESOLVED))
                self.store.add_aliases(parsed.aliases)
            hows = [how for _, how in stored]
            report = Report(hows.count("new"), hows.count("already"), hows.count("repeat"), parsed.problems)
            report.warnings = [str(w) for w in parsed.warnings] + self.store.warnings
            self.store.warnings = []
            ids = list(dict.fromkeys(pid for pid, _ in stored))
        with self._stopping(ids):
            if held.signum is not None:
                raise Interrupted(held.signum)
            if resolve:
                self._resolve(self.store.with_status(ids, "pending"), report, progress)
            self._tally(ids, report, flagged)
        return report

    def import_bib(self, path: str) -> Report:
        """Import a .bib file as it is (keys, fields, notes, keywords, read state); no resolution."""
        if path != "-" and not path.lower().endswith(".bib"):
            raise ReadlistError(f"{path}: `readlist import` takes a .bib file (use `readlist add` for pages)")
        return self.add([path], resolve=False)

    def resolve(self, filters: Filters | None = None, progress: ProgressSink | None = None) -> Report:
        """Resolve pending and unresolved papers again, and complete the matches offline mode left incomplete (or
        resolve those the filters select); a paper the user decided in review is left as decided."""
        from readlist.api.report import Report

        self._keys()
        filters = filters or select()
        statuses = [filters.status] if filters.status else ["pending", "unresolved"]
        papers = [
            p
            for s in statuses
            for p in self.store.papers(select(s, filters.tag, filters.state, filters.search))
            if p.evidence.get("decided_by") != "review"
        ]
        report = Report()
        ids = sorted({p.id for p in papers} | set(() if filters.status else self._incomplete(filters)))
        flagged = self._flagged()
        with self._stopping(ids):
            self._resolve(ids, report, progress)
            self._tally(ids, report, flagged)
        return report

    def _incomplete(self, filters: Filters) -> list[int]:
        """The matches offline mode left incomplete (`states.INCOMPLETE`) that the filters select."""
        owed = self.store.incomplete()
        if owed and (filters.tag or filters.state or filters.search):
            kept = set(owed)
            selected = self.store.papers(select("matched", filters.tag, filters.state, filters.search))
            owed = [p.id for p in selected if p.id in kept]
        return owed

    def _flagged(self) -> int:
        """How many papers are flagged as possible duplicates (`list --status duplicate`)."""
        return self.store.count(select(status=DUPLICATE))

    def _tally(self, ids: Sequence[int], report: Report, flagged: int) -> None:
        """Count, in ``report``, these papers still pending or needing review, and the papers newly flagged as
        possible duplicates (``flagged`` were before)."""
        report.pending = len(self.store.with_status(ids, "pending"))
        report.review = len(self.store.with_status(ids, "needs-review"))
        report.incomplete = len(set(ids) & set(self.store.incomplete()))
        report.duplicates = self._flagged() - flagged

    @contextmanager
    def _stopping(self, ids: Sequence[int]) -> Iterator[None]:
        """An interrupt inside is raised as `Interrupted` saying how many of these papers are still pending."""
        try:
            yield
        except KeyboardInterrupt as stop:
            with deferred():
                pending = len(self.store.with_status(ids, "pending"))
            raise Interrupted(signum_of(stop), pending=pending) from None

    def _resolve(self, ids: list[int], report: Report, progress: ProgressSink | None) -> None:
        """Resolve these papers (as `readlist add` asks for each) and store the outcomes."""
        from readlist.resolve.resolver import Resolver

        report.resolved = True
        if not ids:
            return
        papers = [self.store.get(pid) for pid in ids]
        resolver = Resolver(self.settings, progress)
        try:
            outcomes: list[Outcome | None] = list(resolver.resolve([self.store.paper_entry(p) for p in papers]))
        except KeyboardInterrupt:
            with deferred():  # saving what is finished is not cut short
                self._store_outcomes(papers, resolver.finished())
            raise
        finally:
            stats = resolver.stats
            report.requests, report.cache_hits = stats.requests, stats.cache_hits
            report.wait_seconds = stats.wait_seconds
            resolver.close()
        with deferred() as held:
            self._store_outcomes(papers, outcomes)
        for o in outcomes:
            assert o is not None
            report.statuses[o.status] = report.statuses.get(o.status, 0) + 1
            if o.reason and o.status == "pending":
                report.reasons[o.reason] = report.reasons.get(o.reason, 0) + 1
                report.unreachable |= "connection failed (" in o.reason or "offline:" in o.reason
        if held.signum is not None:
            raise Interrupted(held.signum)

    def _store_outcomes(self, papers: Sequence[Paper], outcomes: Sequence[Outcome | None]) -> None:
        with self.store.transaction():
            for paper, outcome in zip(papers, outcomes, strict=True):
                if outcome is not None:
                    self.store.apply_outcome(paper.id, outcome)
