"""The fake Semantic Scholar Graph API: batch, title match, search and single papers in the real JSON shapes."""

from __future__ import annotations

import hashlib
import re

from readlist.text import normalize_title

from .corpus import FakePaper

KNOWN_FIELDS = {
    "paperId", "corpusId", "externalIds", "url", "title", "abstract", "venue", "publicationVenue", "year",
    "publicationDate", "journal", "authors", "referenceCount", "citationCount", "influentialCitationCount",
    "isOpenAccess", "openAccessPdf", "fieldsOfStudy", "s2FieldsOfStudy", "publicationTypes", "citationStyles",
    "citations", "references", "embedding", "tldr",
}  # fmt: skip
TOO_MANY = {
    "message": "Too Many Requests. Please wait and try again or apply for a key for higher rate limits. "
    "https://www.semanticscholar.org/product/api#api-key-form",
    "code": "429",
}
_HEX40 = re.compile(r"^[0-9a-f]{40}$")

Reply = tuple[int, object]  # status, JSON body


def fields_of(params: dict[str, list[str]]) -> list[str] | Reply:
    """The requested fields, or the 400 reply for unknown ones (default: paperId and title)."""
    raw = params.get("fields", [""])[0]
    wanted = [f for f in raw.split(",") if f] or ["title"]
    unknown = [f for f in wanted if f not in KNOWN_FIELDS]
    if unknown:
        return 400, {"error": f"Unrecognized or unsupported fields: [{', '.join(unknown)}]"}
    return wanted


def paper_json(p: FakePaper, fields: list[str]) -> dict[str, object]:
    published = p.published if len(p.published) == 10 else None
    if p.venue:
        kind = "conference" if "Conference" in p.publication_types else "journal"
        venue_obj: dict | None = {"id": p.venue_id, "name": p.venue, "type": kind, "alternate_names": [], "url": ""}
        journal: dict | None = {k: v for k, v in (("name", p.venue), ("volume", p.volume), ("pages", p.pages)) if v}
    elif p.arxiv_id:
        venue_obj = {
            "id": p.venue_id, "name": "arXiv.org", "alternate_names": ["ArXiv"], "issn": "2331-8422",
            "url": "https://arxiv.org",
        }  # fmt: skip
        journal = {"name": "ArXiv", "volume": f"abs/{p.arxiv_id}"}
    else:
        venue_obj, journal = None, None
    external: dict[str, object] = {}
    if p.arxiv_id:
        external["ArXiv"] = p.arxiv_id
    if p.doi or p.arxiv_id:
        external["DOI"] = p.doi or f"10.48550/arXiv.{p.arxiv_id}"
    external["CorpusId"] = p.corpus_id
    full: dict[str, object] = {
        "paperId": p.paper_id,
        "externalIds": external,
        "corpusId": p.corpus_id,
        "url": f"https://www.semanticscholar.org/paper/{p.paper_id}",
        "title": p.title,
        "abstract": p.abstract,
        "venue": p.venue or ("arXiv.org" if p.arxiv_id else ""),
        "publicationVenue": venue_obj,
        "year": p.year or int(p.published[:4]),
        "referenceCount": 0,
        "citationCount": 0,
        "influentialCitationCount": 0,
        "isOpenAccess": False,
        "openAccessPdf": {"url": "", "status": None, "license": None},
        "fieldsOfStudy": ["Computer Science"],
        "s2FieldsOfStudy": [{"category": "Computer Science", "source": "s2-fos-model"}],
        "publicationTypes": p.publication_types or None,
        "publicationDate": published,
        "journal": journal,
        "authors": [{"authorId": str(int(hashlib.sha1(a.encode()).hexdigest()[:8], 16)), "name": a} for a in p.authors],
    }
    return {"paperId": p.paper_id, **{f: full.get(f) for f in fields}}


def find(papers: list[FakePaper], ident: str) -> FakePaper | None:
    """Resolve an S2 paper id form: ARXIV:, DOI: (or a bare DOI), CorpusId:, URL:, or a 40-hex paperId."""
    ident = ident.strip()
    scheme, _, value = ident.partition(":") if ":" in ident and not ident.startswith("10.") else ("", "", ident)
    scheme = scheme.upper()
    if scheme == "URL":
        m = re.search(r"arxiv\.org/(?:abs|pdf)/([^?#]+?)(?:v\d+)?(?:\.pdf)?$", value)
        scheme, value = ("ARXIV", m.group(1)) if m else ("", "")
    if scheme == "DOI" or (not scheme and value.startswith("10.")):
        doi = value.lower()
        if doi.startswith("10.48550/arxiv."):
            scheme, value = "ARXIV", value[len("10.48550/arxiv.") :]
        else:
            return next((p for p in papers if p.doi and p.doi.lower() == doi), None)
    if scheme == "ARXIV":
        bare = re.sub(r"v\d+$", "", value)
        return next((p for p in papers if p.arxiv_id == bare), None)
    if scheme == "CORPUSID":
        return next((p for p in papers if str(p.corpus_id) == value), None)
    if not scheme and _HEX40.match(value):
        return next((p for p in papers if p.paper_id == value), None)
    return None


def _dice(query_words: list[str], title: str) -> float:
    q, t = set(query_words), set(normalize_title(title).split())
    return 2 * len(q & t) / (len(q) + len(t)) if q and t else 0.0


def handle(papers: list[FakePaper], method: str, path: str, params: dict[str, list[str]], body: object) -> Reply:
    """Route one /graph/v1 request (path without the /graph/v1 prefix)."""
    fields = fields_of(params)
    if isinstance(fields, tuple):
        return fields
    if path == "/paper/batch" and method == "POST":
        ids = body.get("ids") if isinstance(body, dict) else None
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            return 400, {"error": "Body must be a JSON object with a list of string ids"}
        if len(ids) > 500:
            return 400, {"error": "Cannot process more than 500 ids at once"}
        return 200, [paper_json(p, fields) if (p := find(papers, i)) else None for i in ids]
    if path == "/paper/search/match":
        words = normalize_title(params.get("query", [""])[0]).split()
        best = max(papers, key=lambda p: _dice(words, p.title), default=None)
        if best is None or _dice(words, best.title) < 0.5:
            return 404, {"error": "Title match not found"}
        match_score = round(50 + 100 * _dice(words, best.title), 5)
        return 200, {"data": [{**paper_json(best, fields), "matchScore": match_score}]}
    if path == "/paper/search":
        query = params.get("query", [""])[0]
        offset, limit = int(params.get("offset", ["0"])[0]), int(params.get("limit", ["100"])[0])
        if limit > 100:
            return 400, {"error": "The limit parameter must be <= 100"}
        words = [] if "-" in query else normalize_title(query).split()  # a hyphenated term matches nothing
        hits = [p for p in papers if words and set(words) <= set(normalize_title(f"{p.title} {p.abstract}").split())]
        hits.sort(key=lambda p: -_dice(words, p.title))
        if not hits:
            return 200, {"total": 0, "offset": offset}
        page: dict[str, object] = {"total": len(hits), "offset": offset}
        if offset + limit < len(hits):
            page["next"] = offset + limit
        page["data"] = [paper_json(p, fields) for p in hits[offset : offset + limit]]
        return 200, page
    if path.startswith("/paper/") and method == "GET":
        ident = path[len("/paper/") :]
        paper = find(papers, ident)
        if paper is None:
            return 404, {"error": f"Paper with id {ident} not found"}
        return 200, paper_json(paper, fields)
    return 404, {"message": "Not Found"}
