"""The library API behind the CLI: ingest -> resolve -> store -> export, one call per command.

Programs and tests use this module directly; the CLI only parses arguments and prints.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from readlist.config import Settings
from readlist.errors import InputError, ReadlistError
from readlist.files import atomic_write
from readlist.model import Entry, Outcome, Paper
from readlist.store.library import Filters, Store
from readlist.text import normalize_title

if TYPE_CHECKING:
    from readlist.export.base import ExportOptions
    from readlist.resolve.progress import ProgressSink

NOT_RESOLVED = "not resolved yet: run `readlist resolve`"


@dataclass
class Report:
    """What a command did, for the CLI to summarize."""

    added: int = 0
    merged: int = 0  # entries that were already in the library (a source was recorded)
    problems: list[InputError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what was read or stored, but not quite as written
    duplicates: int = 0  # new papers flagged as possible duplicates of others (`list --status duplicate`)
    statuses: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    cache_hits: int = 0
    wait_seconds: float = 0.0
    reasons: dict[str, int] = field(default_factory=dict)  # why entries stayed pending or unresolved


def _identity(entry: Entry) -> tuple[str, str]:
    if entry.arxiv_id:
        return ("arxiv", entry.arxiv_id)
    if entry.doi:
        return ("doi", entry.doi)
    return ("title", normalize_title(entry.title or ""))


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

    # -- adding --------------------------------------------------------------------------------

    def add(self, inputs: Sequence[str], resolve: bool = True, progress: ProgressSink | None = None) -> Report:
        """Parse inputs, resolve the papers that are new, and store everything in one transaction."""
        from readlist.ingest.reader import read_inputs
        from readlist.keys import key_pattern

        pattern = key_pattern(self.settings.key_style, self.settings.key_pattern)  # a bad style fails first
        parsed = read_inputs(list(inputs))
        report = Report(problems=parsed.problems, warnings=[str(w) for w in parsed.warnings])
        # .bib entries are the user's records: stored at once (as pending), whatever the network does
        bib_entries = parsed.entries if not resolve else [e for e in parsed.entries if e.bib is not None]
        new_bib: list[int] = []
        if bib_entries or parsed.preambles or parsed.aliases:
            with self.store.transaction(bulk=True):
                before = self.store.count(Filters(status="duplicate"))
                self.store.add_preambles(parsed.preambles)
                stored = self.store.add_entries(bib_entries, Outcome("pending", reason=NOT_RESOLVED), pattern)
                self.store.add_aliases(parsed.aliases)
                report.duplicates = self.store.count(Filters(status="duplicate")) - before
            report.warnings += self.store.warnings
            self.store.warnings.clear()
            report.added = sum(added for _, added in stored)
            report.merged = len(stored) - report.added
            new_bib = [pid for pid, added in stored if added]
        if not resolve:
            return report
        if new_bib:
            self._resolve_papers([self.store.get(i) for i in new_bib], report, progress)
        known: list[tuple[int, Entry]] = []
        groups: dict[tuple[str, str], list[Entry]] = {}
        for entry in parsed.entries:
            if entry.bib is not None:
                continue
            pid = self.store.find_existing(entry)
            if pid is not None:
                known.append((pid, entry))
            else:
                groups.setdefault(_identity(entry), []).append(entry)
        heads = [g[0] for g in groups.values()]
        outcomes = self._resolve(heads, report, progress) if heads else []
        with self.store.transaction(bulk=True):
            for pid, entry in known:
                self.store.attach(pid, entry)
            report.merged += len(known)
            for entries, outcome in zip(groups.values(), outcomes, strict=True):
                pid = self._store(entries[0], outcome, pattern, report)  # another process may have added it
                for entry in entries[1:]:
                    self.store.attach(pid, entry)
                report.merged += len(entries) - 1
        return report

    def _store(self, entry: Entry, outcome: Outcome, key_pattern: str, report: Report) -> int:
        """Insert a new paper, or attach the entry to the paper it is already stored as; returns its id."""
        pid = self.store.find_existing(entry)
        if pid is None:
            report.added += 1
            return self.store.insert(entry, outcome, key_pattern=key_pattern)
        self.store.attach(pid, entry)
        report.merged += 1
        return pid

    def _resolve(self, entries: list[Entry], report: Report, progress: ProgressSink | None) -> list[Outcome]:
        from readlist.resolve.resolver import Resolver

        resolver = Resolver(self.settings, progress)
        try:
            outcomes = resolver.resolve(entries)
            stats = resolver.stats
            report.requests, report.cache_hits = stats.requests, stats.cache_hits
            report.wait_seconds = stats.wait_seconds
        finally:
            resolver.close()
        for o in outcomes:
            report.statuses[o.status] = report.statuses.get(o.status, 0) + 1
            if o.reason and o.status in ("pending", "unresolved"):
                report.reasons[o.reason] = report.reasons.get(o.reason, 0) + 1
        return outcomes

    def resolve(self, filters: Filters = Filters(), progress: ProgressSink | None = None) -> Report:
        """Retry resolution of pending and unresolved papers (or those the filters select)."""
        statuses = [filters.status] if filters.status else ["pending", "unresolved"]
        papers = [
            p for s in statuses for p in self.store.papers(Filters(s, filters.tag, filters.state, filters.search))
        ]
        report = Report()
        if papers:
            self._resolve_papers(papers, report, progress)
        return report

    def _resolve_papers(self, papers: list[Paper], report: Report, progress: ProgressSink | None) -> None:
        outcomes = self._resolve([self.store.paper_entry(p) for p in papers], report, progress)
        with self.store.transaction():
            for paper, outcome in zip(papers, outcomes, strict=True):
                self.store.apply_outcome(paper.id, outcome)

    def import_bib(self, path: str) -> Report:
        """Import a .bib file as it is (keys, fields, notes, keywords, read state); no resolution."""
        if path != "-" and not path.lower().endswith(".bib"):
            raise ReadlistError(f"{path}: `readlist import` takes a .bib file (use `readlist add` for pages)")
        return self.add([path], resolve=False)

    # -- reviewing -----------------------------------------------------------------------------

    def accept(self, ref: str, candidate: str) -> Paper:
        """Settle a needs-review paper with one of its candidates (arXiv id, S2 id or 1-based rank)."""
        paper = self.get(ref)
        for rank, cand in enumerate(paper.candidates, start=1):
            if candidate in (cand.record.arxiv_id, cand.record.s2_id, cand.record.doi, str(rank)):
                evidence = {**cand.evidence, "decided_by": "review"}
                with self.store.transaction():
                    pid = self.store.apply_outcome(paper.id, Outcome("matched", cand.record, cand.score, evidence))
                return self.store.get(pid)
        ids = ", ".join(c.record.arxiv_id or c.record.s2_id or "?" for c in paper.candidates) or "none"
        raise ReadlistError(f"{paper.key}: no candidate {candidate!r} (candidates: {ids})")

    def reject(self, ref: str) -> Paper:
        paper = self.get(ref)
        outcome = Outcome("unresolved", evidence={"decided_by": "review"}, reason="all candidates rejected in review")
        with self.store.transaction():
            self.store.apply_outcome(paper.id, outcome)
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
        """Merge paper ``ref`` into paper ``into`` at the user's word: notes, tags, sources and read state move;
        ``ref``'s key stays an alias of ``into`` (`show`, `--aux` and exports still find it)."""
        with self.store.transaction():
            from_id, into_id = self.store.lookup(ref), self.store.lookup(into)
            self.store.merge_at_users_word(from_id, into_id)
        return self.store.get(into_id)

    def remove(self, refs: Sequence[str]) -> list[str]:
        with self.store.transaction():
            ids = [self.store.lookup(r) for r in refs]
            keys = [self.store.get(pid).key for pid in ids]
            for pid in ids:
                self.store.delete(pid)
        return keys

    def rename_key(self, ref: str, key: str) -> Paper:
        if not key or any(ch in key for ch in ' ,{}()=#%"\\') or not key.isascii():
            raise ReadlistError(f'{key!r} is not a usable citation key (ASCII, no spaces or , {{ }} ( ) = # % " \\)')
        with self.store.transaction():
            pid = self.store.lookup(ref)
            self.store.set_key(pid, key)
        return self.store.get(pid)

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

        ``aliases`` (cited alias -> the paper's key, from ``cited``): in the BibTeX flavour each is also written
        as a copy of its paper's entry under that key (BibTeX has no aliases; biblatex's ``ids`` field has)."""
        from readlist.export import export, get_exporter
        from readlist.export.base import ExportOptions

        exporter = get_exporter(fmt)
        options = options or ExportOptions()

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
