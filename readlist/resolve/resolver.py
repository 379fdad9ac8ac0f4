"""Resolve entries to papers by asking the registered sources (`readlist.sources`) in their order, many at a time.

Entries with an identifier are looked up by the sources that look up its kind; entries with a title are searched by
the sources that search titles, the next source asked only for the entries the one before did not match; matched
records are completed (`complete`) with a base record and what enriching sources know of their publication. Every
candidate goes through the one matcher (`readlist.resolve.match`). The resolver knows no source by name: what each
can do is what its class declares (`readlist.sources.base`).

One worker thread per source, so sources on different hosts work at once (title searches of the next source
start while the first is still searching). Titles are searched many per request and identical queries are asked
once. Network trouble never raises: affected entries come back "pending" with the reason, and the next run retries
them (answers already fetched come from the HTTP cache). An interrupt (Ctrl-C) stops at once, without waiting for
requests in flight; `Resolver.finished` then gives the outcomes already complete.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from readlist.config import Settings
from readlist.model import Entry, Outcome
from readlist.resolve.http import Http, HttpStats
from readlist.resolve.progress import ProgressSink
from readlist.resolve.run import Run, Work
from readlist.sources import source_classes
from readlist.sources.base import Source


class Resolver:
    """Resolves entries against the registered sources through one cached, rate-limited HTTP layer."""

    def __init__(
        self, settings: Settings, progress: ProgressSink | None = None, sources: Sequence[type[Source]] | None = None
    ) -> None:
        """``sources``: the source classes to ask (default: those registered, `readlist.sources.source_classes`)."""
        self.settings = settings
        self.progress = progress
        self._http = Http(settings)
        classes = source_classes() if sources is None else sorted(sources, key=lambda c: c.order)
        self.sources = [cls(settings, self._http) for cls in classes if cls.available(settings)]
        self._work: list[Work] = []
        self._abandoned = False  # interrupted: worker threads may still be finishing a request

    @property
    def stats(self) -> HttpStats:
        """Requests sent, cache hits, retries and seconds waited, over this resolver's lifetime."""
        return self._http.stats

    def close(self) -> None:
        if not self._abandoned:  # else a worker may still use the session; the process is about to end
            for source in self.sources:
                source.close()
            self._http.close()

    def resolve(self, entries: Sequence[Entry]) -> list[Outcome]:
        """One outcome per entry, in order; entries a source could not answer for come back pending.

        Interrupted (KeyboardInterrupt), it stops without waiting for the requests in flight and re-raises;
        `finished` says which outcomes were complete."""
        work = self._work = [Work(e) for e in entries]
        if self.progress:
            self.progress.start(len(work))
        pools = {s.name: ThreadPoolExecutor(1, s.name) for s in self.sources}
        try:
            Run(self.sources, work, pools, self._tick).run()
        except BaseException:
            self._abandoned = True
            for pool in pools.values():
                pool.shutdown(wait=False, cancel_futures=True)
            raise
        for pool in pools.values():
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
