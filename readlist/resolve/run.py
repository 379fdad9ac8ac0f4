"""One resolution over many entries: identifier lookups, then title searches source by source (the next source
asked only for what the one before did not match, while it is still answering; a source that searches abstracts
is asked for the abstracts of the entries its title search did not match first), then the completion of matches.

Sources are asked by what their classes declare (`readlist.sources.base`), each on its own worker thread, in
batches; every candidate goes through the one matcher (`readlist.resolve.match`). `readlist.resolve.resolver`
runs this.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TypeVar

from rapidfuzz import fuzz, process

from readlist.errors import ApiError, NetworkError
from readlist.identifiers import bare_arxiv_id
from readlist.model import Candidate, Entry, Outcome, Record
from readlist.resolve.completion import Answers, AskedIds, completed, failure, gather
from readlist.resolve.match import NO_CANDIDATE, decide, score
from readlist.similarity import DIFFERENT_ABSTRACTS, abstract_similarity
from readlist.sources.base import Source
from readlist.text import normalized

MIN_TITLE_SIMILARITY = 0.5  # records below this are not even scored against an entry
SCHEMES = {"arxiv": "arxiv_id", "doi": "doi"}  # identifier kinds, and the entry field that holds each

T = TypeVar("T")


def _names(labels: Sequence[str]) -> str:
    return " and ".join([", ".join(labels[:-1]), labels[-1]] if len(labels) > 1 else labels)


@dataclass
class Work:
    """One entry in flight: its outcome so far, its candidates, and the sources that searched its title."""

    entry: Entry
    outcome: Outcome | None = None
    candidates: list[Candidate] = field(default_factory=list)
    searched_by: list[str] = field(default_factory=list)
    complete: bool = False  # a match whose record is complete (its base and what enriching sources know)
    completing: bool = False  # its base and enriching records have been asked for

    @property
    def finished(self) -> Outcome | None:
        """The outcome, once nothing more will change it (a match only with its complete record)."""
        o = self.outcome
        return o if o is not None and (o.status != "matched" or self.complete) else None


Jobs = list[tuple[list[str], Future[T]]]  # chunks asked, each with its job


class Run:
    """The state of one ``Resolver.resolve`` call: identifier lookups, then title searches source by source (each
    asked while the one before is still answering), then the completion of matched records."""

    def __init__(
        self,
        sources: Sequence[Source],
        work: list[Work],
        pools: dict[str, ThreadPoolExecutor],
        tick: Callable[[int], None],
    ) -> None:
        """``pools``: a worker thread per source name; ``tick``: called with how many entries were just decided."""
        self.sources = sources
        self.work = work
        self.tick = tick
        self.pools = pools
        n = len(self.sources)
        self.waiting: list[dict[str, list[Work]]] = [{} for _ in range(n)]  # titles not yet asked, per source
        self.asked: list[dict[str, list[Work]]] = [{} for _ in range(n)]  # titles asked, per source
        self.title_jobs: list[Jobs[list[Record]]] = [[] for _ in range(n)]
        # identifier lookups not yet collected: (source position, scheme, entries by identifier, jobs)
        self.id_jobs: list[tuple[int, str, dict[str, list[Work]], Jobs[dict[str, Record]]]] = []
        # completions asked for: the matches, their base lookups and, per enriching source, its lookups
        self.completions: list[tuple[list[tuple[Work, Record]], AskedIds, dict[int, AskedIds]]] = []

    def run(self) -> None:
        by_id: dict[str, dict[str, list[Work]]] = {scheme: defaultdict(list) for scheme in SCHEMES}
        by_title: dict[str, list[Work]] = defaultdict(list)
        for w in self.work:
            e = w.entry
            if e.arxiv_id:
                by_id["arxiv"][bare_arxiv_id(e.arxiv_id)].append(w)
            elif e.doi:
                by_id["doi"][e.doi.lower()].append(w)
            elif e.title and normalized(e.title):
                by_title[normalized(e.title)].append(w)
            else:
                w.outcome = Outcome("unresolved", reason="nothing to look up: no title or identifier")
        self.tick(sum(w.outcome is not None for w in self.work))
        for scheme, keyed in by_id.items():
            p = self._id_source(scheme, 0)
            if p is not None:
                self._look_up(p, scheme, keyed)
            else:
                for w in (w for works in keyed.values() for w in works):
                    self._passed_on(w, 0, None, scheme)
        for key, works in by_title.items():
            self._queue_titles(0, key, works)
        for p in range(len(self.sources)):
            self._flush(p)
        while self.id_jobs:
            self._collect_ids(*self.id_jobs.pop(0))
        for p in range(len(self.sources)):
            self._collect_titles(p)
        self._complete()

    def _submit(self, p: int, call: Callable[[list[str]], T], items: list[str], size: int) -> Jobs[T]:
        pool = self.pools[self.sources[p].name]
        return [
            (chunk, pool.submit(call, chunk)) for chunk in (items[i : i + size] for i in range(0, len(items), size))
        ]

    def _settle(self, w: Work, outcome: Outcome) -> None:
        if w.outcome is None:
            w.outcome = replace(outcome)  # one object per entry: callers may change theirs
            self.tick(1)

    def _decide(self, w: Work, records: Sequence[Record], titles: Sequence[str]) -> Outcome:
        """Score the records whose normalized title (``titles``) is near the entry's, and decide."""
        entry = w.entry
        if entry.title:
            near = process.extract(
                normalized(entry.title), titles, scorer=fuzz.ratio, score_cutoff=100 * MIN_TITLE_SIMILARITY, limit=None
            )
            records = [records[i] for i in sorted(i for _, _, i in near)]  # in search order: it breaks score ties
        w.candidates += (score(entry, r) for r in records)
        outcome = decide(entry, w.candidates)
        if outcome.reason == NO_CANDIDATE and w.searched_by:
            outcome.reason = f"no candidate: {_names(w.searched_by)} have no record with a similar title"
        return outcome

    # -- identifiers -----------------------------------------------------------------------------

    def _id_source(self, scheme: str, start: int) -> int | None:
        """The position of the first source from ``start`` on that looks up ``scheme`` identifiers."""
        return next((i for i in range(start, len(self.sources)) if scheme in self.sources[i].id_schemes), None)

    def _look_up(self, p: int, scheme: str, keyed: dict[str, list[Work]]) -> None:
        """Ask source ``p`` for these entries' identifiers."""
        source = self.sources[p]

        def fetch(chunk: list[str]) -> dict[str, Record]:
            return source.fetch_ids(scheme, chunk)

        self.id_jobs.append((p, scheme, keyed, self._submit(p, fetch, list(keyed), source.ids_per_lookup)))

    def _passed_on(self, w: Work, p: int, source: str | None, scheme: str) -> None:
        """An entry no source found by its identifier: to the title searches from position ``p`` on."""
        if w.entry.title and normalized(w.entry.title):
            self._queue_titles(p, normalized(w.entry.title), [w])
        else:
            ident = getattr(w.entry, SCHEMES[scheme])
            reason = f"{source} has no paper {ident}" if source else f"no source looks up {scheme} identifiers"
            self._settle(w, Outcome("unresolved", reason=reason))

    def _collect_ids(self, p: int, scheme: str, keyed: dict[str, list[Work]], jobs: Jobs[dict[str, Record]]) -> None:
        source = self.sources[p]
        missing: dict[str, list[Work]] = {}
        for chunk, job in jobs:
            try:
                found = job.result()
            except (NetworkError, ApiError) as exc:
                for w in (w for key in chunk for w in keyed[key]):
                    self._settle(w, Outcome("pending", reason=failure(source.label, exc)))
                continue
            for key in chunk:
                record = found.get(key)
                if record is not None:
                    for w in keyed[key]:
                        self._settle(w, self._decide(w, [record], [normalized(record.title)]))
                elif scheme in source.authority:  # the registry of these identifiers: the paper does not exist
                    for w in keyed[key]:
                        ident = getattr(w.entry, SCHEMES[scheme])
                        self._settle(w, Outcome("unresolved", reason=f"{source.label} has no paper {ident}"))
                else:
                    missing[key] = keyed[key]
        nxt = self._id_source(scheme, p + 1)
        if nxt is not None and missing:
            self._look_up(nxt, scheme, missing)
            return
        for works in missing.values():
            for w in works:
                self._passed_on(w, p, source.label, scheme)

    # -- titles ----------------------------------------------------------------------------------

    def _queue_titles(self, start: int, key: str, works: list[Work]) -> None:
        """Entries of one normalized title go to the first source from ``start`` on that searches titles (with
        none left, they are decided on the candidates they have)."""
        p = next((i for i in range(start, len(self.sources)) if self.sources[i].titles_per_search), None)
        if p is None:
            for w in works:
                self._settle(w, self._decide(w, [], []))
            return
        if key in self.asked[p]:  # asked already (and not collected yet: sources are collected in order)
            self.asked[p][key] += works
            return
        self.waiting[p].setdefault(key, []).extend(works)
        if len(self.waiting[p]) >= self.sources[p].titles_per_search:
            self._flush(p)

    def _flush(self, p: int) -> None:
        """Ask source ``p`` for the titles waiting for it."""
        source, waiting = self.sources[p], self.waiting[p]
        if not waiting:
            return
        self.waiting[p] = {}
        for key, works in waiting.items():
            self.asked[p].setdefault(key, []).extend(works)

        def search(chunk: list[str]) -> list[Record]:
            return source.search_titles([waiting[k][0].entry.title or k for k in chunk])

        self.title_jobs[p] += self._submit(p, search, list(waiting), source.titles_per_search)

    def _collect_titles(self, p: int) -> None:
        """Decide the entries source ``p`` searched by title; those it did not match are searched by abstract when
        it can (`_collect_abstracts`), else passed on."""
        source = self.sources[p]
        self._flush(p)
        unmatched: list[tuple[str, Work, Outcome]] = []
        for chunk, job in self.title_jobs[p]:
            works = [w for key in chunk for w in self.asked[p][key]]
            try:
                records = job.result()
            except (NetworkError, ApiError) as exc:
                for w in works:
                    self._settle(w, Outcome("pending", reason=failure(source.label, exc)))
                continue
            titles = [normalized(r.title) for r in records]
            for key in chunk:
                for w in self.asked[p][key]:
                    w.searched_by.append(source.label)
                    outcome = self._decide(w, records, titles)
                    if outcome.status == "matched":
                        self._settle(w, outcome)
                    elif source.searches_abstracts and w.entry.abstract:
                        unmatched.append((key, w, outcome))
                    else:
                        self._pass_on(p, key, w, outcome)
        if unmatched:
            self._start_completion()  # the other sources complete the matches while this one searches abstracts
            self._collect_abstracts(p, unmatched)

    def _collect_abstracts(self, p: int, unmatched: list[tuple[str, Work, Outcome]]) -> None:
        """Search source ``p`` by the abstracts of entries its title search did not match (a paper renamed between
        versions), and decide them again with the records whose abstract is near theirs."""
        source = self.sources[p]
        abstracts = list(dict.fromkeys(w.entry.abstract or "" for _, w, _ in unmatched))
        try:
            records = self.pools[source.name].submit(source.search_abstracts, abstracts).result()
        except (NetworkError, ApiError) as exc:
            for _, w, _ in unmatched:
                self._settle(w, Outcome("pending", reason=failure(source.label, exc)))
            return
        for key, w, outcome in unmatched:
            abstract = w.entry.abstract or ""
            near = [r for r in records if abstract_similarity(abstract, r.abstract or "") >= DIFFERENT_ABSTRACTS]
            if near:
                found = [score(w.entry, r) for r in near]
                for candidate in found:
                    candidate.evidence["found_by"] = f"{source.label} abstract search"
                w.candidates += found
                outcome = decide(w.entry, w.candidates)
            if outcome.status == "matched":
                self._settle(w, outcome)
            else:
                self._pass_on(p, key, w, outcome)

    def _pass_on(self, p: int, key: str, w: Work, outcome: Outcome) -> None:
        """An entry source ``p`` did not match: to the next source that searches titles, which is asked as soon as
        it has a batch (at once, one title at a time); with none left, ``outcome`` stands."""
        if any(s.titles_per_search for s in self.sources[p + 1 :]):
            self._queue_titles(p + 1, key, [w])
        else:
            self._settle(w, outcome)

    # -- completion ------------------------------------------------------------------------------

    def _complete(self) -> None:
        """Complete every match (`readlist.resolve.completion`): a record from a source that does not look up arXiv
        ids gets the record of the first that does as its base (`_bases`), and every enriching source's record of
        the paper is merged in, both fetched in batches, at once on each source's thread."""
        self._start_completion()
        for matched, fetching, enriching in self.completions:
            enriched = {i: gather(jobs) for i, jobs in enriching.items()}
            fetched = self._bases(fetching)
            for w, record in matched:
                self._completed(w, record, record.source not in self._own_base(), fetched, enriched)

    def _own_base(self) -> set[str]:
        """The sources whose records are their own base (they look up arXiv ids)."""
        return {s.name for s in self.sources if "arxiv" in s.id_schemes}

    def _start_completion(self) -> None:
        """Ask for the base and enriching records of the matches not asked for yet, without waiting for them (the
        matches so far are completed while a source still searches for the rest)."""
        matched = [
            (w, w.outcome.record)
            for w in self.work
            if w.outcome and w.outcome.status == "matched" and w.outcome.record and not w.completing
        ]
        if not matched:
            return
        base_at = self._id_source("arxiv", 0)
        bases: set[str] = set()
        enrich: dict[int, set[str]] = {i: set() for i, s in enumerate(self.sources) if s.enriches}
        for w, record in matched:
            w.completing = True
            if record.arxiv_id:
                key = bare_arxiv_id(record.arxiv_id)
                if record.source not in self._own_base():
                    bases.add(key)
                for i in enrich:
                    if self.sources[i].name != record.source:
                        enrich[i].add(key)
        enriching = {i: self._ask_ids(i, ids, self.sources[i].enrich, " (enrichment)") for i, ids in enrich.items()}
        fetching = self._ask_ids(base_at, bases, self._arxiv_records(base_at), "") if base_at is not None else []
        self.completions.append(([(w, r) for w, r in matched if r is not None], fetching, enriching))

    def _bases(self, fetching: AskedIds) -> Answers:
        """The base records asked of the first source that looks up arXiv ids, then those it lacks (a local index
        lacks the newest papers) asked of the next such source, and so on."""
        found, failed = gather(fetching)
        missing = {k for chunk, _, _ in fetching for k in chunk if found.get(k) is None and k not in failed}
        p = self._id_source("arxiv", 0)
        while missing and p is not None:
            p = self._id_source("arxiv", p + 1)
            if p is None:
                break
            more, failures = gather(self._ask_ids(p, missing, self._arxiv_records(p), ""))
            found.update((k, r) for k, r in more.items() if r is not None)
            failed.update(failures)
            missing = {k for k in missing if found.get(k) is None and k not in failed}
        return found, failed

    def _arxiv_records(self, p: int) -> Callable[[list[str]], dict[str, Record]]:
        return lambda chunk: self.sources[p].fetch_ids("arxiv", chunk)

    def _ask_ids(
        self, p: int, ids: set[str], call: Callable[[list[str]], Mapping[str, Record | None]], role: str
    ) -> AskedIds:
        """Ask source ``p`` for these arXiv ids, in batches; each job with the label a failure names."""
        label = self.sources[p].label + role
        return [
            (chunk, job, label) for chunk, job in self._submit(p, call, sorted(ids), self.sources[p].ids_per_lookup)
        ]

    def _completed(self, w: Work, match: Record, based: bool, fetched: Answers, enriched: dict[int, Answers]) -> None:
        """The match of ``w`` with its base (when ``based``: it needs one) and every enriching source's record."""
        assert w.outcome is not None
        own = {i for i in enriched if self.sources[i].name == match.source}
        w.outcome = completed(
            w.outcome, match, fetched if based else None, [(i in own, a) for i, a in enriched.items()]
        )
        w.complete = True
