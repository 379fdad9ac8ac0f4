"""`readlist index update`: what changed on arXiv since the index's last datestamp, harvested through arXiv's
OAI-PMH interface (ListRecords, ``from`` the last datestamp, resumption tokens) into the index in place.

Polite: one request at a time through readlist's HTTP layer, at arXiv's interval (the ``arxiv_interval``
setting: the API and OAI-PMH share arXiv's rate limit), and a ``503`` with ``Retry-After`` (arXiv's flow control)
waited out before the same request is repeated. Each page of records is committed together with the resumption
token that follows it, so a harvest interrupted anywhere (Ctrl-C, kill -9, the network gone) resumes with the next
page; a token the server no longer knows (``badResumptionToken``: tokens expire) restarts the harvest from its
first date, storing again what it had stored. The index's last datestamp moves only when the list is complete,
to the latest datestamp harvested (arXiv re-stamps records in bulk, so the datestamps seen, not the calendar, say
where the next harvest starts).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from readlist.config import Settings
from readlist.errors import NetworkError, ReadlistError
from readlist.index.oai import FORMATS, OaiError, Page, parse_page
from readlist.index.progress import Meter
from readlist.index.schema import Writer, facts, now, open_index, set_facts, writer_lock
from readlist.resolve.cache import never_kept
from readlist.resolve.http import Http, Service

MAX_RESTARTS = 3  # badResumptionToken answers a harvest restarts after; the next one ends it
MAX_RETRIES = 8  # per request: 503 + Retry-After is routine flow control when harvesting
MAX_WAIT = 600.0  # seconds: a longer Retry-After ends the harvest (it resumes later)
_DATE = re.compile(r"\d{4}-\d\d-\d\d")


def oai_service(settings: Settings) -> Service:
    """arXiv's OAI-PMH interface, as the HTTP layer asks it: at arXiv's interval (it shares the query API's rate
    limit), never cached (pages are read once, into the index, and are megabytes each)."""
    return Service("oai", settings.oai_url, settings.arxiv_interval, never_kept, limiter="arxiv")


# the state of a harvest in progress, in the index's facts (removed when the list is complete)
STATE = (
    "harvest_url",
    "harvest_format",
    "harvest_from",
    "harvest_token",
    "harvest_records",
    "harvest_new",
    "harvest_deleted",
    "harvest_last",
)


@dataclass
class HarvestReport:
    from_date: str
    records: int = 0  # records stored (new or changed), over every run of this harvest
    new: int = 0  # of them, new to the index
    deleted: int = 0
    bad: int = 0  # this run: records without a usable id or title
    pages: int = 0  # this run
    resumed: bool = False  # this run continued a harvest an earlier run left unfinished
    restarts: int = 0  # this run: badResumptionToken answers, each followed by a new start
    last_datestamp: str | None = None  # the index's, once complete
    requests: int = 0  # this run
    waited: float = 0.0  # this run: seconds spent on arXiv's interval and Retry-After


class Interrupted(ReadlistError):
    """A harvest stopped before the end of the list; what it stored stays, and the next update resumes it."""


def update(
    settings: Settings, prefix: str = "arXiv", from_date: str | None = None, progress: bool = True
) -> HarvestReport:
    """Harvest into the index at ``settings.index`` what changed since its last datestamp (or ``from_date``)."""
    if prefix not in FORMATS:
        raise ReadlistError(f"unknown metadata format {prefix!r}; readlist reads {' and '.join(FORMATS)}")
    if from_date is not None and not _DATE.fullmatch(from_date):
        raise ReadlistError(f"--from {from_date!r}: give a date as YYYY-MM-DD")
    if settings.offline:
        raise ReadlistError("updating the index needs the network (--offline was given)")
    with writer_lock(settings.index):
        conn = open_index(settings.index, write=True)
        try:
            return _Harvest(conn, settings, prefix, from_date, progress).run()
        finally:
            conn.close()


class _Harvest:
    def __init__(
        self, conn: sqlite3.Connection, settings: Settings, prefix: str, from_date: str | None, progress: bool
    ) -> None:
        self.conn, self.settings, self.prefix = conn, settings, prefix
        self.writer = Writer(conn)
        self.facts = known = facts(conn)
        url = settings.oai_url
        same = known.get("harvest_url") == url and known.get("harvest_format") == prefix
        self.resumed = bool(known.get("harvest_token") and same and from_date is None)
        if self.resumed:
            start = known["harvest_from"]
        else:
            start = from_date or known.get("last_datestamp") or ""
            if not start:
                raise ReadlistError(f"{settings.index}: the index has no last datestamp; give one with --from DATE")
            self._save(**{**dict.fromkeys(STATE), "harvest_url": url, "harvest_format": prefix, "harvest_from": start})
        so_far = {name: int(self.facts.get(f"harvest_{name}") or 0) for name in ("records", "new", "deleted")}
        self.report = HarvestReport(
            start, records=so_far["records"], new=so_far["new"], deleted=so_far["deleted"], resumed=self.resumed
        )
        self.meter = Meter("harvesting", None) if progress else None

    def _save(self, **values: object) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        set_facts(self.conn, **values)
        self.conn.execute("COMMIT")
        self.facts = facts(self.conn)

    def run(self) -> HarvestReport:
        report = self.report
        with Http(self.settings, [oai_service(self.settings)], max_retries=MAX_RETRIES, max_wait=MAX_WAIT) as http:
            try:
                self._pages(http, self.facts.get("harvest_token") if self.resumed else None)
            except NetworkError as exc:
                raise Interrupted(
                    f"{exc}; the harvest stopped after {report.records:,} record(s), which are in the index; "
                    "`readlist index update` resumes it"
                ) from None
            report.requests, report.waited = http.stats.requests, http.stats.wait_seconds
        if self.meter:
            self.meter.finish()
        last = max(filter(None, (self.facts.get("last_datestamp"), self.facts.get("harvest_last"))), default=None)
        report.last_datestamp = last
        self._save(
            last_datestamp=last,
            updated_at=now(),
            update_url=self.settings.oai_url,
            update_records=report.records,
            **dict.fromkeys(STATE),
        )
        return report

    def _pages(self, http: Http, token: str | None) -> None:
        """Request and store pages until the list is complete."""
        report = self.report
        while True:
            if token:
                params = {"verb": "ListRecords", "resumptionToken": token}
            else:
                params = {"verb": "ListRecords", "metadataPrefix": self.prefix, "from": report.from_date}
            response = http.get(self.settings.oai_url, params)
            if response.status_code != 200:
                raise ReadlistError(f"the OAI-PMH server answered HTTP {response.status_code}")
            try:
                page = parse_page(response.content, self.prefix)
            except OaiError as exc:
                if exc.code == "noRecordsMatch":  # nothing (more) in the range: not a failure
                    return
                if exc.code == "badResumptionToken" and token and report.restarts < MAX_RESTARTS:
                    report.restarts += 1
                    token = None
                    continue
                raise
            token = self._store(page)
            if not token:
                return

    def _store(self, page: Page) -> str | None:
        """Store one page and, in the same transaction, where the harvest stands; returns the next token."""
        report = self.report
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            new = self.writer.put(page.rows)
            deleted = self.writer.delete(page.deleted)
            report.records += len(page.rows)
            report.new += new
            report.deleted += deleted
            report.bad += page.bad
            report.pages += 1
            last = max(filter(None, (self.facts.get("harvest_last"), page.last_datestamp)), default=None)
            set_facts(
                self.conn,
                records=int(self.facts.get("records") or 0) + new - deleted,
                harvest_token=page.token,
                harvest_records=report.records,
                harvest_new=report.new,
                harvest_deleted=report.deleted,
                harvest_last=last,
            )
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.facts = facts(self.conn)
        if self.meter:
            self.meter.total = page.size
            self.meter.update(report.records, report.records)
        return page.token
