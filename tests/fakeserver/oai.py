"""The fake arXiv OAI-PMH interface (``/oai``): ListRecords as arXiv's data provider answers it.

Records are held in the snapshot schema (the same dicts a snapshot file has, ``update_date`` as the datestamp,
``"deleted": True`` for a deleted record) and served in the ``arXiv`` or ``arXivRaw`` format, in datestamp order,
``page_size`` per page, with ``from``/``until``/``set`` selection and resumption tokens. ``classic`` pages end the
list with an empty token carrying ``cursor`` and ``completeListSize`` (export.arxiv.org/oai2); otherwise tokens
carry ``expires`` and the last page has none (oaipmh.arxiv.org, 2025). ``expire_tokens()`` makes every token
issued so far answer ``badResumptionToken``. Errors are HTTP 200 with ``<error code>``: badVerb, badArgument
(unknown, repeated or missing arguments, a token with other arguments, a date not YYYY-MM-DD, from after until),
cannotDisseminateFormat, badResumptionToken, noRecordsMatch. Only ListRecords is implemented (readlist asks for
nothing else): other verbs answer badVerb. Flow control (503 + Retry-After) and transport faults come from the
server's fault queue, service "oai".
"""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta
from xml.sax.saxutils import escape, quoteattr

from .corpus import FakePaper

NS = "http://www.openarchives.org/OAI/2.0/"
FORMATS = {"arXiv": "http://arxiv.org/OAI/arXiv/", "arXivRaw": "http://arxiv.org/OAI/arXivRaw/"}
ARGUMENTS = {"verb", "metadataPrefix", "from", "until", "set", "resumptionToken"}
_DATE = re.compile(r"\d{4}-\d\d-\d\d")
_ARCHIVES = {"cs", "math", "q-bio", "q-fin", "stat", "econ", "eess", "nlin"}  # the rest are under "physics:"
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
_DAYS = "Mon Tue Wed Thu Fri Sat Sun".split()


def rfc2822(day: date) -> str:
    return f"{_DAYS[day.weekday()]}, {day.day} {_MONTHS[day.month - 1]} {day.year} 12:00:00 GMT"


def snapshot_record(paper: FakePaper) -> dict:
    """A corpus paper as a line of arXiv's snapshot: one version per `versions`, a week apart from `published`."""
    year, month, day = ([int(part) for part in paper.published[:10].split("-")] + [1, 1])[:3]  # may be "2025-12"
    first = date(year, month, day)
    days = [first + timedelta(days=7 * i) for i in range(paper.versions)]
    parsed = [[*reversed(name.rsplit(" ", 1)), ""] if " " in name else [name, "", ""] for name in paper.authors]
    return {
        "id": paper.arxiv_id,
        "submitter": paper.authors[0] if paper.authors else None,
        "authors": ", ".join(paper.authors),
        "title": paper.title,
        "comments": paper.comment,
        "journal-ref": paper.journal_ref,
        "doi": paper.doi,
        "report-no": None,
        "categories": paper.primary_class,
        "license": None,
        "abstract": paper.abstract,
        "versions": [{"version": f"v{i}", "created": rfc2822(day)} for i, day in enumerate(days, 1)],
        "update_date": days[-1].isoformat(),
        "authors_parsed": parsed,
    }


def _iso(rfc: str) -> str:
    _, day, month, year, *_ = rfc.replace(",", "").split()
    return f"{int(year):04d}-{_MONTHS.index(month) + 1:02d}-{int(day):02d}"


def set_spec(record: dict) -> str:
    archive = (record.get("categories") or "cs").split()[0].split(".")[0]
    return archive if archive in _ARCHIVES else f"physics:{archive}"


def _element(tag: str, value: object) -> str:
    return f"<{tag}>{escape(str(value))}</{tag}>" if value else ""


def _arxiv(record: dict) -> str:
    versions = record.get("versions") or []
    authors = "".join(
        f"<author>{_element('keyname', last)}{_element('forenames', first)}{_element('suffix', suffix)}</author>"
        for last, first, suffix in record.get("authors_parsed") or []
    )
    created = _iso(versions[0]["created"]) if versions else record["update_date"]
    updated = _iso(versions[-1]["created"]) if len(versions) > 1 else None
    return (
        f'<arXiv xmlns="{FORMATS["arXiv"]}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"{_element('id', record['id'])}{_element('created', created)}{_element('updated', updated)}"
        f"<authors>{authors}</authors>{_element('title', record['title'])}"
        f"{_element('categories', record.get('categories'))}{_element('comments', record.get('comments'))}"
        f"{_element('journal-ref', record.get('journal-ref'))}{_element('doi', record.get('doi'))}"
        f"{_element('license', record.get('license'))}{_element('abstract', record.get('abstract'))}</arXiv>"
    )


def _arxiv_raw(record: dict) -> str:
    versions = "".join(
        f"<version version={quoteattr(v['version'])}>{_element('date', v['created'])}<size>{100 + i}kb</size>"
        "<source_type>D</source_type></version>"
        for i, v in enumerate(record.get("versions") or [])
    )
    return (
        f'<arXivRaw xmlns="{FORMATS["arXivRaw"]}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"{_element('id', record['id'])}{_element('submitter', record.get('submitter'))}{versions}"
        f"{_element('title', record['title'])}{_element('authors', record.get('authors'))}"
        f"{_element('categories', record.get('categories'))}{_element('comments', record.get('comments'))}"
        f"{_element('journal-ref', record.get('journal-ref'))}{_element('doi', record.get('doi'))}"
        f"{_element('license', record.get('license'))}{_element('abstract', record.get('abstract'))}</arXivRaw>"
    )


def _record(record: dict, prefix: str) -> str:
    status = ' status="deleted"' if record.get("deleted") else ""
    header = (
        f"<header{status}><identifier>oai:arXiv.org:{escape(record['id'])}</identifier>"
        f"<datestamp>{record['update_date']}</datestamp><setSpec>{set_spec(record)}</setSpec></header>"
    )
    if record.get("deleted"):
        return f"<record>{header}</record>"
    body = _arxiv(record) if prefix == "arXiv" else _arxiv_raw(record)
    return f"<record>{header}<metadata>{body}</metadata></record>"


class Repository:
    """The records behind ``/oai``; ``answer(params)`` is the body of the (always HTTP 200) answer."""

    def __init__(self, records: list[dict], *, page_size: int = 1000, classic: bool = True) -> None:
        self.records = sorted(records, key=lambda r: (r["update_date"], r["id"]))
        self.page_size = page_size
        self.classic = classic
        self._tokens: dict[str, tuple[dict[str, str], int]] = {}
        self._serial = itertools.count(1)

    def expire_tokens(self) -> None:
        """Forget every resumption token issued so far (as arXiv's expire)."""
        self._tokens.clear()

    def answer(self, params: dict[str, list[str]], base_url: str) -> bytes:
        try:
            return self._answer(params, base_url)
        except _Error as exc:
            attrs = "" if exc.code in ("badVerb", "badArgument") else _attributes(params)
            error = f"<error code={quoteattr(exc.code)}>{escape(str(exc))}</error>"
            return _document(f"<request{attrs}>{escape(base_url)}</request>{error}")

    def _answer(self, params: dict[str, list[str]], base_url: str) -> bytes:
        verb = params.get("verb", [""])
        if len(verb) != 1 or verb[0] != "ListRecords":
            raise _Error("badVerb", "Illegal verb" if verb != [""] else "No verb given")
        unknown = set(params) - ARGUMENTS
        if unknown:
            raise _Error("badArgument", f"Illegal argument(s): {', '.join(sorted(unknown))}")
        if any(len(v) != 1 for v in params.values()):
            raise _Error("badArgument", "Repeated argument")
        args = {k: v[0] for k, v in params.items() if k != "verb"}
        if "resumptionToken" in args:
            if len(args) > 1:
                raise _Error("badArgument", "resumptionToken is an exclusive argument")
            query, offset = self._tokens.get(args["resumptionToken"]) or (None, 0)
            if query is None:
                raise _Error("badResumptionToken", "Token is invalid or has expired")
        else:
            query, offset = self._check(args), 0
        selected = self._select(query)
        if not selected:
            raise _Error("noRecordsMatch", "No records match the request")
        page = selected[offset : offset + self.page_size]
        end = offset + len(page)
        token = ""
        if end < len(selected):
            token = f"{next(self._serial)}|{query['metadataPrefix']}|{end}"
            self._tokens[token] = (query, end)
        if self.classic and (token or offset):  # a list complete in one answer has no token
            size = f'cursor="{offset}" completeListSize="{len(selected)}"'
            token_xml = f"<resumptionToken {size}>{escape(token)}</resumptionToken>"
        elif token:
            token_xml = f'<resumptionToken expires="2099-01-01T00:00:00Z">{escape(token)}</resumptionToken>'
        else:
            token_xml = ""
        records = "".join(_record(r, query["metadataPrefix"]) for r in page)
        inner = (
            f"<request{_attributes(params)}>{escape(base_url)}</request><ListRecords>{records}{token_xml}</ListRecords>"
        )
        return _document(inner)

    def _check(self, args: dict[str, str]) -> dict[str, str]:
        prefix = args.get("metadataPrefix")
        if not prefix:
            raise _Error("badArgument", "metadataPrefix is required")
        if prefix not in FORMATS:
            raise _Error("cannotDisseminateFormat", f"Unknown metadata format {prefix}")
        for name in ("from", "until"):
            if name in args and not _DATE.fullmatch(args[name]):
                raise _Error("badArgument", f"Illegal date {args[name]} for {name}: the granularity is YYYY-MM-DD")
        if "from" in args and "until" in args and args["from"] > args["until"]:
            raise _Error("badArgument", "from is after until")
        return args

    def _select(self, query: dict[str, str]) -> list[dict]:
        low, high, wanted = query.get("from", ""), query.get("until", "9999"), query.get("set")
        return [
            r
            for r in self.records
            if low <= r["update_date"] <= high
            and (not wanted or set_spec(r) == wanted or set_spec(r).startswith(f"{wanted}:"))
        ]


class _Error(Exception):
    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


def _attributes(params: dict[str, list[str]]) -> str:
    return "".join(f" {k}={quoteattr(v[0])}" for k, v in params.items() if v)


def _document(inner: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<OAI-PMH xmlns="{NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<responseDate>2026-12-05T12:00:00Z</responseDate>{inner}</OAI-PMH>"
    ).encode()
