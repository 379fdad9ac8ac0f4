"""arXiv as a source: its API client (batched title searches and id lookups), a defensive Atom parser, and the
`Source` the resolver asks (the authority on arXiv ids).

Queries are built with real spaces, quotes and parentheses and sent once-encoded as a POST form body (the manual
accepts POST; it avoids both the ``+``/``%2B`` trap and 414 URI Too Long).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import timedelta

import defusedxml.ElementTree as SafeET
import requests
from defusedxml import DefusedXmlException

from readlist.config import Settings
from readlist.errors import ApiError
from readlist.identifiers import normalize_doi, parse_identifier
from readlist.model import Record
from readlist.resolve.cache import EXPIRY
from readlist.resolve.http import Http, Service
from readlist.sources.base import Source
from readlist.text import normalized, strip_latex

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
ID_CHUNK = 100  # ids per id_list request
_ID_URL = re.compile(r"^https?://(?:export\.)?arxiv\.org/abs/(?P<id>.+?)(?:v(?P<version>\d+))?$")
_NOT_WORD = re.compile(r"[\W_]+")


def _text(element: SafeET.Element | None) -> str | None:
    """Element text with whitespace collapsed (classic feeds hard-wrap titles and summaries)."""
    if element is None or element.text is None:
        return None
    return " ".join(element.text.split()) or None


def _date(element: SafeET.Element | None) -> str | None:
    value = _text(element)
    return value[:10] if value else None


def parse_xml(body: bytes, speaker: str, root: str, kind: str) -> SafeET.Element:
    """The root element of an XML answer, parsed without entity expansion or external references, and checked to
    be ``root``; ApiError saying what ``speaker`` answered instead (``kind``: what it should have been)."""
    try:
        element = SafeET.fromstring(body)
    except DefusedXmlException as exc:
        raise ApiError(f"{speaker} answered XML with forbidden constructs ({type(exc).__name__})") from None
    except SafeET.ParseError as exc:
        raise ApiError(f"{speaker} answered something that is not XML ({exc})") from None
    if element.tag != root:
        raise ApiError(f"{speaker} answered XML that is not {kind} (root <{element.tag}>)")
    return element


def parse_feed(body: bytes) -> list[Record]:
    """Records from an arXiv Atom feed (2026 or classic serialization); an error feed raises ApiError."""
    root = parse_xml(body, "arXiv", f"{ATOM}feed", "an Atom feed")
    records = []
    for entry in root.iter(f"{ATOM}entry"):
        entry_id = _text(entry.find(f"{ATOM}id")) or ""
        if "/api/errors" in entry_id:
            raise ApiError(f"arXiv: {_text(entry.find(f'{ATOM}summary')) or 'error'}")
        match = _ID_URL.match(entry_id)
        if not match:
            raise ApiError(f"arXiv answered an entry with an unexpected id {entry_id!r}")
        records.append(_record(entry, match.group("id"), match.group("version")))
    return records


def feed_total(body: bytes) -> int | None:
    """A feed's opensearch:totalResults (how many records match in all), None when it has none."""
    try:
        text = _text(SafeET.fromstring(body).find(f"{OPENSEARCH}totalResults"))
    except (DefusedXmlException, SafeET.ParseError):
        return None
    return int(text) if text and text.isdigit() else None


def _record(entry: SafeET.Element, arxiv_id: str, version: str | None) -> Record:
    published = _date(entry.find(f"{ATOM}published"))
    primary = entry.find(f"{ARXIV}primary_category")
    doi = _text(entry.find(f"{ARXIV}doi"))
    return Record(
        source="arxiv",
        title=_text(entry.find(f"{ATOM}title")) or "",
        authors=[name for a in entry.findall(f"{ATOM}author") if (name := _text(a.find(f"{ATOM}name")))],
        abstract=_text(entry.find(f"{ATOM}summary")),
        arxiv_id=arxiv_id,
        arxiv_version=int(version) if version else None,
        published=published,
        updated=_date(entry.find(f"{ATOM}updated")),
        year=int(published[:4]) if published else None,
        primary_class=primary.get("term") if primary is not None else None,
        doi=normalize_doi(doi.split()[0]) if doi else None,  # the field can list several DOIs
        journal=_text(entry.find(f"{ARXIV}journal_ref")),  # arXiv's free-text journal reference
        url=f"https://arxiv.org/abs/{arxiv_id}",
    )


def title_phrase(title: str) -> str:
    """A title as arXiv phrase text: no LaTeX, quotes or punctuation, hyphens as spaces (a hyphen means NOT)."""
    return " ".join(_NOT_WORD.sub(" ", strip_latex(title)).split())


# Words an abstract phrase never holds: Lucene's English stop words (arXiv's index may drop them, which makes a
# phrase holding them match differently), other function words, and words most abstracts use.
STOP_WORDS = frozenset(
    """a about above across after again against all almost also although among an and another any are as at be
    because been before being below between both but by can could did do does doing done down during each either
    enough even ever every few for from further had has have having here how however if in into is it its itself
    just less many may might more most much must neither no nor not now of off often on once one only onto or other
    our ours out over own per rather same several should since so some such than that the their theirs them then
    there therefore these they this those though through thus to too two under until up upon us very via was we
    were what whether which while who whom whose why will with within without would yet approach approaches based
    demonstrate demonstrates existing experiments furthermore introduce key method methods model models new novel
    paper present propose proposed results show shows significantly state study task tasks use used uses using
    various well work""".split()
)
PHRASE_WORDS = 3  # words per abstract phrase: consecutive in the abstract, so they rarely all recur elsewhere
PHRASES = 3  # phrases per abstract, one from each third: a paper whose abstract was edited still holds one
_PLAIN_WORD = re.compile(r"^[A-Za-z]{3,24}$")  # ASCII letters only: no LaTeX, digits, accents or hyphens
_CLAUSE_END = re.compile(r"[,.;:!?)\]]$")


def abstract_phrases(abstract: str) -> list[str]:
    """A few distinctive phrases of an abstract, as arXiv ``abs:"..."`` phrase text, lower case.

    A phrase is PHRASE_WORDS consecutive plain words (letters only, no stop word) within one clause of the text;
    the phrase with the longest words (long words are the rare ones) is taken from each third of the abstract.
    Anything arXiv's query parser or tokenizer might read otherwise (LaTeX, quotes, hyphens, which mean NOT,
    operators, digits, non-ASCII letters) ends a run of plain words. A last word not closed by punctuation is
    dropped: a page may cut the abstract short in the middle of a word.
    """
    tokens = abstract.split()
    if tokens and not _CLAUSE_END.search(tokens[-1]):
        tokens.pop()
    windows: list[tuple[int, list[str]]] = []  # (position, words)
    run: list[str] = []
    for i, token in enumerate(tokens):
        ends = bool(_CLAUSE_END.search(token))
        word = token[:-1] if ends else token
        if _PLAIN_WORD.match(word) and word.lower() not in STOP_WORDS:
            run.append(word.lower())
            if len(run) >= PHRASE_WORDS:
                windows.append((i, run[-PHRASE_WORDS:]))
        else:
            run = []
        if ends:
            run = []
    phrases: list[str] = []
    for part in range(PHRASES):
        third = [w for i, w in windows if part * len(tokens) <= i * PHRASES < (part + 1) * len(tokens)]
        if third:
            best = max(third, key=lambda words: sum(map(len, words)))  # the first of equals: max keeps it
            phrases.append(" ".join(best))
    return list(dict.fromkeys(phrases))


def abstract_clause(abstract: str) -> str | None:
    """The query clause that finds a paper by its abstract (``(abs:"..." OR abs:"...")``), None when the abstract
    has no phrase to search."""
    phrases = abstract_phrases(abstract)
    return "(" + " OR ".join(f'abs:"{p}"' for p in phrases) + ")" if phrases else None


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class ArxivClient:
    """Title and abstract searches and id lookups against the arXiv API.

    ``batch_size`` titles go into one ``ti:"..." OR ti:"..."`` query asking ``results_per_title`` results per
    title; abstracts likewise, each as a clause of its distinctive phrases (`abstract_clause`), in batches of
    ``abstract_batch_size``. Relevance ranks the whole result set, so a generic title can crowd the others out:
    titles (abstracts) that got no record containing their phrase (one of their phrases) are asked again
    ``retry_batch_size`` at a time, unless the answer held every record that matched (totalResults no more than
    the records returned: nothing was crowded out, so the text is not on arXiv and asking again would only cost a
    request).
    """

    def __init__(
        self,
        http: Http,
        base_url: str,
        *,
        batch_size: int = 30,
        abstract_batch_size: int = 30,
        retry_batch_size: int = 5,
        results_per_title: int = 4,
    ) -> None:
        self.http = http
        self.base_url = base_url
        self.batch_size = batch_size
        self.abstract_batch_size = abstract_batch_size
        self.retry_batch_size = retry_batch_size
        self.results_per_title = results_per_title

    def search_titles(self, titles: Sequence[str]) -> list[Record]:
        """Every record any of the title queries returned, once each, in the order first seen."""
        phrases = dict.fromkeys(p for p in map(title_phrase, titles) if p)
        clauses = {f'ti:"{p}"': [p] for p in phrases}
        return self._search(clauses, lambda r: r.title, self.batch_size)

    def search_abstracts(self, abstracts: Sequence[str]) -> list[Record]:
        """Every record any of the abstracts' queries returned, once each, in the order first seen."""
        clauses = {c: abstract_phrases(a) for a in abstracts if (c := abstract_clause(a))}
        return self._search(clauses, lambda r: r.abstract or "", self.abstract_batch_size)

    def _search(self, clauses: dict[str, list[str]], text: Callable[[Record], str], batch_size: int) -> list[Record]:
        """Records of ORed ``clauses`` (clause -> its phrases), ``batch_size`` per query, then ``retry_batch_size``
        for the clauses whose phrases no record's ``text`` held."""
        pending = list(clauses)
        found: dict[str, Record] = {}
        for size in dict.fromkeys((batch_size, self.retry_batch_size)):
            missing = []
            for chunk in _chunks(pending, size):
                form = {"search_query": " OR ".join(chunk), "max_results": self.results_per_title * len(chunk)}
                records, total = self._query_feed(form)
                for record in records:
                    found.setdefault(record.arxiv_id or "", record)
                if records and total is not None and total <= len(records):
                    continue  # every match came back: a text without its record is not there to find
                seen = "|".join(f" {normalized(text(r))} " for r in records)  # "|" never occurs in a phrase
                missing += [c for c in chunk if not any(f" {normalized(p)} " in seen for p in clauses[c])]
            pending = missing
            if not pending:
                break
        return list(found.values())

    def fetch_ids(self, ids: Sequence[str]) -> dict[str, Record]:
        """Bare id -> latest-version record; ids arXiv does not know (or that are malformed) are absent."""
        bare = []
        for raw in ids:
            ident = parse_identifier(raw)
            if ident is not None and ident.scheme == "arxiv":
                bare.append(ident.value)
        bare = list(dict.fromkeys(bare))
        result: dict[str, Record] = {}
        for chunk in _chunks(bare, ID_CHUNK):
            for record in self._query({"id_list": ",".join(chunk), "max_results": len(chunk)}):
                result[record.arxiv_id or ""] = record
        return result

    def _query(self, form: dict[str, object]) -> list[Record]:
        return self._query_feed(form)[0]

    def _query_feed(self, form: dict[str, object]) -> tuple[list[Record], int | None]:
        """The records of one query and the feed's totalResults."""
        response = self.http.post(self.base_url, data={**form, "start": 0})
        if response.status_code not in (200, 400):
            raise ApiError(f"arXiv answered HTTP {response.status_code}")
        try:
            records = parse_feed(response.content)
        except ApiError:
            self.http.discard(response)
            raise
        if response.status_code == 400:
            raise ApiError("arXiv answered HTTP 400 without an error message")
        return records, feed_total(response.content)


def _expiry(form: Mapping[str, object]) -> timedelta:
    """An id lookup is kept 30 days, a search 7 (`readlist.resolve.http`)."""
    return EXPIRY["arxiv ids"] if "id_list" in form else EXPIRY["arxiv search"]


def _empty_feed(response: requests.Response) -> bool:
    """A feed without entries (arXiv sometimes answers one for a while): kept an hour only."""
    return (
        response.status_code == 200 and response.content.lstrip().startswith(b"<") and b"<entry" not in response.content
    )


def service(settings: Settings) -> Service:
    """arXiv's query API, as the HTTP layer asks it."""
    return Service("arxiv", settings.arxiv_url, settings.arxiv_interval, _expiry, _empty_feed)


class ArxivSource(Source):
    """arXiv: ids looked up (it is their registry), titles searched 60 at a time (two ORed queries), and the
    abstracts of entries no title search matched, 30 to a query."""

    name = "arxiv"
    label = "arXiv"
    order = 20
    id_schemes = frozenset({"arxiv"})
    authority = frozenset({"arxiv"})
    ids_per_lookup = 200  # the client POSTs, so URL length is no limit
    titles_per_search = 60
    searches_abstracts = True

    def __init__(self, settings: Settings, http: Http) -> None:
        super().__init__(settings, http)
        http.add(service(settings))
        self.client = ArxivClient(http, settings.arxiv_url)

    def fetch_ids(self, scheme: str, ids: Sequence[str]) -> dict[str, Record]:
        return self.client.fetch_ids(ids)

    def search_titles(self, titles: Sequence[str]) -> list[Record]:
        return self.client.search_titles(titles)

    def search_abstracts(self, abstracts: Sequence[str]) -> list[Record]:
        return self.client.search_abstracts(abstracts)
