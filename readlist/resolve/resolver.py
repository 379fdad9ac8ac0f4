"""Resolve entries to papers: batched arXiv lookups and title searches, Semantic Scholar fallback and enrichment.

One worker thread per host, so arXiv searches and Semantic Scholar calls (title fallbacks while arXiv continues,
then the enrichment batch) overlap. Titles are searched many per request and identical queries are asked once,
so a page of papers costs a handful of requests. Network trouble never raises: affected entries come back
"pending" with the reason, and the next run retries them (answers already fetched come from the HTTP cache).
An interrupt (Ctrl-C) stops at once, without waiting for requests in flight; `Resolver.finished` then gives the
outcomes already complete.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TypeVar

from rapidfuzz import fuzz, process

from readlist.config import Settings
from readlist.errors import ApiError, NetworkError
from readlist.model import Candidate, Entry, Outcome, Record
from readlist.resolve.arxiv import ArxivClient
from readlist.resolve.http import Http, HttpStats
from readlist.resolve.match import NO_CANDIDATE, bare_arxiv_id, decide, score
from readlist.resolve.progress import ProgressSink
from readlist.resolve.semanticscholar import S2Client
from readlist.text import normalized

TITLES_PER_SEARCH = 60  # titles per search_titles call (the client ORs 30 into one query)
IDS_PER_FETCH = 200  # arXiv id_list size (the client POSTs, so URL length is no limit)
S2_BATCH = 500  # Semantic Scholar's limit per /paper/batch call
MIN_TITLE_SIMILARITY = 0.5  # records below this are not even scored against an entry

T = TypeVar("T")


def _result(job: Future[T], _chunk: list[str]) -> T:
    return job.result()


def _chunks(items: Sequence[T], size: int) -> list[list[T]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def _failure(source: str, exc: Exception) -> str:
    """Why entries stay pending: ``network: arXiv: connection failed (...)``, ``bad answer: Semantic Scholar: ...``."""
    kind = "network" if isinstance(exc, NetworkError) else "bad answer"
    return f"{kind}: {source}: {exc}"


def merge(base: Record, s2: Record | None) -> Record:
    """``base`` (the arXiv record, or an S2 one) completed with what Semantic Scholar knows about publication.

    The S2 client already drops arXiv-as-venue noise, so any venue or journal left means the paper was published:
    then venue, journal, volume, pages and the venue year replace the arXiv ones.
    """
    year = base.year or (int(base.published[:4]) if base.published else None)
    if s2 is None:
        return replace(base, year=year)
    published = bool(s2.venue or s2.journal)
    return replace(
        base,
        doi=base.doi or s2.doi,
        s2_id=s2.s2_id or base.s2_id,
        authors=base.authors or s2.authors,
        abstract=base.abstract or s2.abstract,
        published=base.published or s2.published,
        venue=s2.venue if published else base.venue,
        journal=s2.journal if published else base.journal,
        volume=s2.volume if published else base.volume,
        pages=s2.pages if published else base.pages,
        publication_types=list(s2.publication_types) or base.publication_types,
        year=(s2.year or year) if published else year,
    )


@dataclass
class _Work:
    """One entry in flight: its outcome so far and what it still waits for."""

    entry: Entry
    outcome: Outcome | None = None
    candidates: list[Candidate] = field(default_factory=list)
    s2_record: Record | None = None  # the S2 record an identifier or title fallback found
    needs_arxiv: str | None = None  # arXiv id Semantic Scholar named, still to fetch
    complete: bool = False  # a match whose record is complete (arXiv base and Semantic Scholar's data)

    @property
    def finished(self) -> Outcome | None:
        """The outcome, once nothing more will change it (a match only with its complete record)."""
        o = self.outcome
        return o if o is not None and (o.status != "matched" or self.complete) else None


class Resolver:
    """Resolves entries against arXiv and Semantic Scholar through one cached, rate-limited HTTP layer."""

    def __init__(self, settings: Settings, progress: ProgressSink | None = None) -> None:
        self.settings = settings
        self.progress = progress
        self._http = Http(settings)
        self._arxiv = ArxivClient(self._http, settings.arxiv_url)
        self._s2 = S2Client(self._http, settings.s2_url, settings.s2_api_key)
        self._work: list[_Work] = []
        self._abandoned = False  # interrupted: worker threads may still be finishing a request

    @property
    def stats(self) -> HttpStats:
        """Requests sent, cache hits, retries and seconds waited, over this resolver's lifetime."""
        return self._http.stats

    def close(self) -> None:
        if not self._abandoned:  # else a worker may still use the session; the process is about to end
            self._http.close()

    def resolve(self, entries: Sequence[Entry]) -> list[Outcome]:
        """One outcome per entry, in order; entries a source could not answer for come back pending.

        Interrupted (KeyboardInterrupt), it stops without waiting for the requests in flight and re-raises;
        `finished` says which outcomes were complete."""
        work = self._work = [_Work(e) for e in entries]
        if self.progress:
            self.progress.start(len(work))
        pools = ThreadPoolExecutor(1, "arxiv"), ThreadPoolExecutor(1, "s2")
        try:
            _Run(self, work, *pools).run()
        except BaseException:
            self._abandoned = True
            for pool in pools:
                pool.shutdown(wait=False, cancel_futures=True)
            raise
        for pool in pools:
            pool.shutdown()
        if self.progress:
            self.progress.update(self.stats)
            self.progress.finish()
        return [w.outcome or Outcome("unresolved", reason="nothing to look up") for w in work]

    def finished(self) -> list[Outcome | None]:
        """After an interrupted `resolve`: each entry's outcome if it was complete, else None."""
        return [w.finished for w in self._work]

    def _tick(self, n: int) -> None:
        if self.progress:
            self.progress.update(self.stats)
            if n:
                self.progress.advance(n)


class _Run:
    """The state of one ``Resolver.resolve`` call."""

    def __init__(
        self, resolver: Resolver, work: list[_Work], arxiv_pool: ThreadPoolExecutor, s2_pool: ThreadPoolExecutor
    ) -> None:
        self.r = resolver
        self.work = work
        self.arxiv_pool = arxiv_pool
        self.s2_pool = s2_pool

    def run(self) -> None:
        by_id: dict[str, list[_Work]] = defaultdict(list)
        by_doi: dict[str, list[_Work]] = defaultdict(list)
        by_title: dict[str, list[_Work]] = defaultdict(list)
        for w in self.work:
            e = w.entry
            if e.arxiv_id:
                by_id[bare_arxiv_id(e.arxiv_id)].append(w)
            elif e.doi:
                by_doi[e.doi.lower()].append(w)
            elif e.title and normalized(e.title):
                by_title[normalized(e.title)].append(w)
            else:
                w.outcome = Outcome("unresolved", reason="nothing to look up: no title or identifier")
        self.r._tick(sum(w.outcome is not None for w in self.work))

        doi_jobs = self._submit(self.s2_pool, self.r._s2.batch, [f"DOI:{d}" for d in by_doi], S2_BATCH)
        id_jobs = self._submit(self.arxiv_pool, self.r._arxiv.fetch_ids, list(by_id), IDS_PER_FETCH)
        titles = [group[0].entry.title or key for key, group in by_title.items()]
        title_jobs = self._submit(self.arxiv_pool, self.r._arxiv.search_titles, titles, TITLES_PER_SEARCH)

        fallbacks: dict[str, tuple[list[_Work], Future[Record | None]]] = {}
        self._collect_ids(id_jobs, by_id)
        self._collect_titles(title_jobs, by_title, fallbacks)
        self._collect_dois(doi_jobs, by_doi, fallbacks)
        self._collect_fallbacks(fallbacks)
        self._complete_arxiv_and_enrich()

    def _submit(
        self, pool: ThreadPoolExecutor, call: Callable[[list[str]], T], items: list[str], size: int
    ) -> list[tuple[list[str], Future[T]]]:
        return [(chunk, pool.submit(call, chunk)) for chunk in _chunks(items, size)]

    def _settle(self, works: Iterable[_Work], outcome: Outcome) -> None:
        works = [w for w in works if w.outcome is None]
        for w in works:
            w.outcome = replace(outcome)  # one object per entry: callers may change theirs
        self.r._tick(len(works))

    def _pending(self, works: Iterable[_Work], source: str, exc: Exception) -> None:
        self._settle(works, Outcome("pending", reason=_failure(source, exc)))

    def _decide(self, w: _Work, records: Sequence[Record], titles: Sequence[str] | None = None) -> Outcome:
        """Score the records whose title is near the entry's (``titles``: their normalized titles, when the caller
        compares one search's records with many entries) and decide."""
        entry = w.entry
        if entry.title:
            titles = titles if titles is not None else [normalized(r.title) for r in records]
            near = process.extract(
                normalized(entry.title), titles, scorer=fuzz.ratio, score_cutoff=100 * MIN_TITLE_SIMILARITY, limit=None
            )
            records = [records[i] for i in sorted(i for _, _, i in near)]  # in search order: it breaks score ties
        w.candidates += (score(entry, r) for r in records)
        return decide(entry, w.candidates)

    def _collect_ids(self, jobs, by_id: dict[str, list[_Work]]) -> None:
        found, failed = self._gather(jobs, _result, "arXiv")
        for arxiv_id, works in by_id.items():
            for w in works:
                if arxiv_id in failed:
                    self._settle([w], Outcome("pending", reason=failed[arxiv_id]))
                elif (record := found.get(arxiv_id)) is None:
                    self._settle([w], Outcome("unresolved", reason=f"arXiv has no paper {w.entry.arxiv_id}"))
                else:
                    self._settle([w], self._decide(w, [record]))

    def _collect_titles(self, jobs, by_title: dict[str, list[_Work]], fallbacks) -> None:
        for chunk, job in jobs:
            keys = [normalized(t) for t in chunk]
            try:
                records = job.result()
            except (NetworkError, ApiError) as exc:
                self._pending((w for k in keys for w in by_title[k]), "arXiv", exc)
                continue
            titles = [normalized(r.title) for r in records]
            for key in keys:
                for w in by_title[key]:
                    outcome = self._decide(w, records, titles)
                    if outcome.status != "matched":
                        self._fall_back(w, fallbacks)
                    else:
                        self._settle([w], outcome)

    def _fall_back(self, w: _Work, fallbacks: dict[str, tuple[list[_Work], Future[Record | None]]]) -> None:
        """Ask Semantic Scholar for the closest title (papers with no arXiv version resolve this way)."""
        key = normalized(w.entry.title or "")
        if key not in fallbacks:
            fallbacks[key] = ([], self.s2_pool.submit(self.r._s2.match_title, w.entry.title or key))
        fallbacks[key][0].append(w)

    def _collect_dois(self, jobs, by_doi: dict[str, list[_Work]], fallbacks) -> None:
        for chunk, job in jobs:
            dois = [i.removeprefix("DOI:") for i in chunk]
            try:
                found = job.result()
            except (NetworkError, ApiError) as exc:
                self._pending((w for d in dois for w in by_doi[d]), "Semantic Scholar", exc)
                continue
            for doi, record in zip(dois, found, strict=False):
                for w in by_doi[doi]:
                    if record is not None:
                        self._accept_s2(w, [record])
                    elif w.entry.title:
                        self._fall_back(w, fallbacks)
                    else:
                        self._settle([w], Outcome("unresolved", reason=f"Semantic Scholar has no paper {doi}"))

    def _collect_fallbacks(self, fallbacks: dict[str, tuple[list[_Work], Future[Record | None]]]) -> None:
        for works, job in fallbacks.values():
            try:
                record = job.result()
            except (NetworkError, ApiError) as exc:
                self._pending(works, "Semantic Scholar", exc)
                continue
            for w in works:
                if record is None:
                    earlier = decide(w.entry, w.candidates)
                    reason = NO_CANDIDATE if not w.candidates else earlier.reason
                    self._settle([w], replace(earlier, reason=reason))
                else:
                    self._accept_s2(w, [record])

    def _accept_s2(self, w: _Work, records: list[Record]) -> None:
        """Decide on Semantic Scholar's answer; a match naming an arXiv id still gets the arXiv record later."""
        outcome = self._decide(w, records)
        if outcome.status == "matched" and outcome.record and outcome.record.source == "s2":
            w.s2_record = outcome.record
            w.needs_arxiv = bare_arxiv_id(outcome.record.arxiv_id) if outcome.record.arxiv_id else None
        self._settle([w], outcome)

    def _complete_arxiv_and_enrich(self) -> None:
        """Fetch the arXiv records Semantic Scholar pointed to while the S2 enrichment batch runs on the other host.

        An arXiv match gets S2's publication data (DOI, venue, ...) merged in; an S2 match gets the arXiv record
        as its base. A failure here leaves the entry pending with the match kept, to be completed next run.
        """
        matched = [w for w in self.work if w.outcome and w.outcome.status == "matched" and w.outcome.record]
        to_enrich = sorted({bare_arxiv_id(w.outcome.record.arxiv_id) for w in matched if self._needs_enrichment(w)})
        to_fetch = sorted({w.needs_arxiv for w in matched if w.needs_arxiv})
        enrich_jobs = self._submit(self.s2_pool, self.r._s2.batch, [f"ARXIV:{i}" for i in to_enrich], S2_BATCH)
        fetch_jobs = self._submit(self.arxiv_pool, self.r._arxiv.fetch_ids, to_fetch, IDS_PER_FETCH)
        fetched, fetch_failed = self._gather(fetch_jobs, _result, "arXiv")
        enriched, enrich_failed = self._gather(enrich_jobs, self._by_arxiv_id, "Semantic Scholar (enrichment)")
        for w in matched:
            outcome = w.outcome
            assert outcome is not None and outcome.record is not None
            if w.s2_record is not None:
                key, failed = w.needs_arxiv, fetch_failed
                record = merge(fetched.get(key) or w.s2_record if key else w.s2_record, w.s2_record)
            else:
                key = bare_arxiv_id(outcome.record.arxiv_id) if outcome.record.arxiv_id else None
                failed, record = enrich_failed, merge(outcome.record, enriched.get(key) if key else None)
            if key in failed:
                w.outcome = replace(outcome, status="pending", reason=failed[key])
            else:
                w.outcome = replace(outcome, record=record)
            w.complete = True

    @staticmethod
    def _needs_enrichment(w: _Work) -> bool:
        return w.s2_record is None and bool(w.outcome and w.outcome.record and w.outcome.record.arxiv_id)

    @staticmethod
    def _by_arxiv_id(job: Future[list[Record | None]], chunk: list[str]) -> dict[str, Record | None]:
        return dict(zip((i.removeprefix("ARXIV:") for i in chunk), job.result(), strict=False))

    def _gather(self, jobs, read, source: str) -> tuple[dict[str, Record | None], dict[str, str]]:
        """Results of chunked jobs keyed by bare arXiv id, and the reason for each id whose chunk failed."""
        found: dict[str, Record | None] = {}
        failed: dict[str, str] = {}
        for chunk, job in jobs:
            try:
                found.update({bare_arxiv_id(k.removeprefix("ARXIV:")): v for k, v in read(job, chunk).items()})
            except (NetworkError, ApiError) as exc:
                reason = _failure(source, exc)
                failed.update(dict.fromkeys((bare_arxiv_id(i.removeprefix("ARXIV:")) for i in chunk), reason))
        return found, failed
