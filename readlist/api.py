"""The library API behind the CLI: ingest -> resolve -> store -> export, one call per command.

Programs and tests use this module directly; the CLI only parses arguments and prints.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from readlist.config import Settings
from readlist.errors import InputError, ReadlistError
from readlist.files import atomic_write
from readlist.interrupt import Interrupted, deferred, signum_of
from readlist.model import Outcome, Paper
from readlist.states import DUPLICATE
from readlist.store.library import Filters, Store

if TYPE_CHECKING:
    from readlist.export.base import ExportOptions
    from readlist.resolve.progress import ProgressSink

NOT_RESOLVED = "not resolved yet: run `readlist resolve`"


@dataclass
class Report:
    """What a command did, for the CLI to summarize."""

    added: int = 0  # entries that are new papers
    already: int = 0  # entries naming a paper the library held before (a source was recorded)
    repeats: int = 0  # entries naming the paper an earlier entry of the same input named
    problems: list[InputError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what was read or stored, but not quite as written
    duplicates: int = 0  # papers flagged as possible duplicates by this command (`list --status duplicate`)
    resolved: bool = False  # whether resolution ran
    statuses: dict[str, int] = field(default_factory=dict)  # of the papers resolved
    pending: int = 0  # papers of this command still pending when it ended
    review: int = 0  # papers of this command that need review
    unreachable: bool = False  # papers stayed pending because arXiv or Semantic Scholar could not be reached
    requests: int = 0
    cache_hits: int = 0
    wait_seconds: float = 0.0
    reasons: dict[str, int] = field(default_factory=dict)  # why papers stayed pending


class ReadingList:
    """A reading list stored in one SQLite library file."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = Store(settings.library)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> ReadingList:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _keys(self) -> None:
        """Provisional keys follow the key style (a bad style fails before anything is read or changed)."""
        from readlist.keys import key_pattern

        self.store.key_pattern = key_pattern(self.settings.key_style, self.settings.key_pattern)

    # -- adding --------------------------------------------------------------------------------

    def add(self, inputs: Sequence[str], resolve: bool = True, progress: ProgressSink | None = None) -> Report:
        """Parse the inputs and store every entry, pending, in one transaction; then resolve the papers of these
        inputs that are pending, and store each outcome.

        Ctrl-C or SIGTERM (`readlist.interrupt`) while the entries are read and stored is held until they are
        stored; during resolution it stops at once, keeping the resolutions already finished, and raises
        `Interrupted` saying how many papers of these inputs are still pending."""
        from readlist.ingest.reader import read_inputs

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
            report.pending = len(self.store.with_status(ids, "pending"))
            report.review = len(self.store.with_status(ids, "needs-review"))
            report.duplicates = self._flagged() - flagged
        return report

    def _flagged(self) -> int:
        """How many papers are flagged as possible duplicates (`list --status duplicate`)."""
        return self.store.count(Filters(status=DUPLICATE))

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

    def resolve(self, filters: Filters = Filters(), progress: ProgressSink | None = None) -> Report:
        """Resolve pending and unresolved papers again (or those the filters select); a paper the user decided in
        review is left as decided."""
        self._keys()
        statuses = [filters.status] if filters.status else ["pending", "unresolved"]
        papers = [
            p
            for s in statuses
            for p in self.store.papers(Filters(s, filters.tag, filters.state, filters.search))
            if p.evidence.get("decided_by") != "review"
        ]
        report = Report()
        ids = sorted(p.id for p in papers)
        flagged = self._flagged()
        with self._stopping(ids):
            self._resolve(ids, report, progress)
            report.pending = len(self.store.with_status(ids, "pending"))
            report.review = len(self.store.with_status(ids, "needs-review"))
            report.duplicates = self._flagged() - flagged
        return report

    def import_bib(self, path: str) -> Report:
        """Import a .bib file as it is (keys, fields, notes, keywords, read state); no resolution."""
        if path != "-" and not path.lower().endswith(".bib"):
            raise ReadlistError(f"{path}: `readlist import` takes a .bib file (use `readlist add` for pages)")
        return self.add([path], resolve=False)

    # -- reviewing -----------------------------------------------------------------------------

    def to_review(self) -> list[Paper]:
        """The papers that need review, in the order they were added."""
        return sorted(self.store.papers(Filters(status="needs-review")), key=lambda p: p.id)

    def accept(self, ref: str, candidate: str) -> Paper:
        """Match a paper to one of its candidates (arXiv id, S2 id, DOI or 1-based rank); the others are kept."""
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

    # -- reading and annotating ----------------------------------------------------------------

    def get(self, ref: str) -> Paper:
        return self.store.get(self.store.lookup(ref))

    def papers(self, filters: Filters = Filters()) -> Iterator[Paper]:
        return self.store.papers(filters)

    def listing(self, filters: Filters = Filters()) -> str:
        """The lines `readlist list` prints for the matching papers (see `Store.listing`), without loading them."""
        return self.store.listing(filters)

    def set_state(self, refs: Sequence[str], state: str) -> list[Paper]:
        with self.store.transaction():
            ids = [self.store.lookup(r) for r in refs]
            for pid in ids:
                self.store.set_state(pid, state)
        return [self.store.get(pid) for pid in ids]

    def note(self, ref: str, text: str) -> Paper:
        if not text.strip():
            raise ReadlistError("the note is empty; nothing was added")
        with self.store.transaction():
            pid = self.store.lookup(ref)
            self.store.add_note(pid, text.strip())
        return self.store.get(pid)

    def tag(self, ref: str, tags: Sequence[str], remove: bool = False) -> Paper:
        with self.store.transaction():
            pid = self.store.lookup(ref)
            (self.store.remove_tags if remove else self.store.add_tags)(pid, [t.strip() for t in tags])
        return self.store.get(pid)

    def merge(self, ref: str, into: str) -> Paper:
        """Merge paper ``ref`` into paper ``into`` at the user's word (`Store.merge`): notes, tags, sources and read
        state move; ``ref``'s key stays an alias of ``into`` (`show`, `--aux` and exports still find it)."""
        with self.store.transaction():
            from_id, into_id = self.store.lookup(ref), self.store.lookup(into)
            self.store.merge(from_id, into_id, asked=True)
        return self.store.get(into_id)

    def named(self, refs: Sequence[str]) -> list[Paper]:
        """The papers ``refs`` name, each once, in the order named (an error names the first not found)."""
        ids = list(dict.fromkeys(self.store.lookup(r) for r in refs))
        return [self.store.get(pid) for pid in ids]

    def remove(self, refs: Sequence[str]) -> list[str]:
        """Remove papers with their notes, tags and sources; their keys."""
        with self.store.transaction():
            ids = list(dict.fromkeys(self.store.lookup(r) for r in refs))
            keys = [self.store.get(pid).key for pid in ids]
            for pid in ids:
                self.store.delete(pid)
        return keys

    def rename_key(self, ref: str, key: str) -> Paper:
        """Give a paper the user's own citation key, settled: it never changes again."""
        from readlist.keys import check_key

        check_key(key)
        with self.store.transaction():
            pid = self.store.lookup(ref)
            self.store.set_key(pid, key)
        return self.store.get(pid)

    def disagreements(self, paper: Paper) -> list[tuple[str, list[tuple[str, object, object]]]]:
        """Imported .bib entries of a matched paper that disagree with its record (`Store.disagreements`)."""
        return self.store.disagreements(paper.id)

    def stats(self) -> dict[str, object]:
        return self.store.stats()

    def backup(self, target: Path) -> None:
        self.store.backup(target)

    def restore(self, source: Path) -> None:
        self.store.restore(source)

    # -- exporting -----------------------------------------------------------------------------

    def export(
        self,
        fmt: str,
        output: Path | None,
        filters: Filters = Filters(),
        options: ExportOptions | None = None,
        stream: TextIO | None = None,
        keys: Sequence[str] | None = None,
        aliases: dict[str, str] | None = None,
    ) -> int:
        """Write the selected papers; a file is replaced atomically (old or new, never half).

        Their keys leave the library: provisional ones settle (every format but Markdown carries them).
        ``aliases`` (cited alias -> the paper's key, from ``cited``): in the BibTeX flavour each is also written
        as a copy of its paper's entry under that key (BibTeX has no aliases; biblatex's ``ids`` field has)."""
        from readlist.export import export, get_exporter
        from readlist.export.base import ExportOptions

        exporter = get_exporter(fmt)
        options = options or ExportOptions()
        if fmt != "markdown" and self.store.provisional(filters, keys):
            try:
                with self.store.transaction():
                    self.store.settle_keys(filters, keys)
            except sqlite3.OperationalError:  # a library that cannot be written: its keys cannot change either
                pass

        def write(out: TextIO) -> int:
            n = export(self.store, exporter, out, options, filters, keys)
            if aliases and fmt == "bibtex" and options.flavor == "bibtex":
                from readlist.export.bibtex import alias_copy

                for alias, key in sorted(aliases.items()):
                    out.write("\n" + alias_copy(self.get(key), alias, options))
            return n

        if output is None:
            assert stream is not None
            return write(stream)
        with atomic_write(output) as out:
            return write(out)

    def cited(self, keys: Sequence[str]) -> tuple[list[str], dict[str, str], list[str]]:
        """What a document cites (``keys`` from its .aux), as ``export`` takes it: the papers' keys (an alias
        stands for its paper), the cited aliases (alias -> key), and the keys the library does not know."""
        found: list[str] = []
        aliases: dict[str, str] = {}
        unknown: list[str] = []
        for key in keys:
            try:
                paper_key = self.store.key_of(key)
            except ReadlistError:
                unknown.append(key)
                continue
            found.append(paper_key)
            if paper_key != key:
                aliases[key] = paper_key
        return found, aliases, sorted(unknown)
