"""The fake arXiv API: the search_query language, id_list, relevance order, and Atom in both serializations."""

from __future__ import annotations

import math
import re
import textwrap
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from readlist.text import normalize_title, normalized

from .corpus import FakePaper, valid_arxiv_id

_TOKEN = re.compile(
    r'\s*(?:(?P<paren>[()])|(?P<field>[a-zA-Z]+):(?P<value>"[^"]*"|[^\s()]+)|(?P<phrase>"[^"]*")|(?P<word>[^\s()]+))'
)
_OPERATORS = {"AND", "OR", "ANDNOT"}


class QueryError(ValueError):
    """A search_query the fake cannot parse (arXiv answers these with an error feed)."""


@dataclass
class Term:
    field: str
    text: str
    phrase: bool


@dataclass
class Op:
    op: str
    left: Term | Op
    right: Term | Op


def _tokens(query: str) -> list[object]:
    out: list[object] = []
    pos = 0
    query = query.rstrip()
    while pos < len(query):
        m = _TOKEN.match(query, pos)
        if not m or m.end() == pos:
            raise QueryError(f"cannot parse search_query near {query[pos:]!r}")
        pos = m.end()
        if m.group("paren"):
            out.append(m.group("paren"))
        elif m.group("field"):
            value = m.group("value")
            out.append(Term(m.group("field").lower(), value.strip('"'), value.startswith('"')))
        elif m.group("phrase"):
            out.append(Term("all", m.group("phrase").strip('"'), True))
        elif m.group("word") in _OPERATORS:
            out.append(m.group("word"))
        else:
            out.append(Term("all", m.group("word"), False))  # observed: a bare term becomes all:term
    return out


def parse_query(query: str) -> Term | Op:
    """Parse with arXiv's observed grouping: mixed operators group from the right; no operator means AND."""
    tokens = _tokens(query)
    pos = 0

    def unary() -> Term | Op:
        nonlocal pos
        if pos >= len(tokens):
            raise QueryError("search_query ends too early")
        token = tokens[pos]
        pos += 1
        if token == "(":
            node = expr()
            if pos >= len(tokens) or tokens[pos] != ")":
                raise QueryError("unbalanced parentheses in search_query")
            pos += 1
            return node
        if isinstance(token, Term):
            return token
        raise QueryError(f"unexpected {token!r} in search_query")

    def expr() -> Term | Op:
        nonlocal pos
        left = unary()
        if pos < len(tokens) and tokens[pos] != ")":
            op = "AND"
            if tokens[pos] in _OPERATORS:
                op = str(tokens[pos])
                pos += 1
            return Op(op, left, expr())
        return left

    node = expr()
    if pos != len(tokens):
        raise QueryError("unbalanced parentheses in search_query")
    return node


def _field_text(paper: FakePaper, field: str) -> str:
    texts = {
        "ti": paper.title,
        "au": " ".join(paper.authors),
        "abs": paper.abstract,
        "co": paper.comment or "",
        "jr": paper.journal_ref or "",
        "cat": paper.primary_class,
        "id": paper.arxiv_id or "",
    }
    if field == "all":
        return " ".join([paper.title, texts["au"], paper.abstract, texts["co"], texts["jr"]])
    if field not in texts:
        raise QueryError(f"unknown field prefix {field}:")
    return texts[field]


def _term_score(term: Term, paper: FakePaper) -> float | None:
    """Score of a matching term (Lucene-like: matched words over sqrt(field length)), None when it misses.

    Emulates two real traps: a literal ``+`` (from a double-encoded query) matches nothing, and a hyphen
    negates the part after it.
    """
    field = _field_text(paper, term.field)
    if term.field in ("cat", "id"):
        return 1.0 if field.lower() == term.text.lower() else None
    if "+" in term.text:
        return None
    positive, negated = [], []
    for token in term.text.split():
        head, *tails = token.split("-")
        positive.append(head)
        negated += tails
    wanted = normalize_title(" ".join(positive)).split()
    have = normalized(field).split()  # memoized: a batch of abstract phrases reads every abstract many times
    if not wanted or any(w in have for w in normalize_title(" ".join(negated)).split()):
        return None
    if term.phrase:
        n = len(wanted)
        found = any(have[i : i + n] == wanted for i in range(len(have) - n + 1))
    else:
        found = all(w in have for w in wanted)
    return len(wanted) / math.sqrt(len(have)) if found else None


def score(node: Term | Op, paper: FakePaper) -> float | None:
    if isinstance(node, Term):
        return _term_score(node, paper)
    left = score(node.left, paper)
    right = score(node.right, paper)
    if node.op == "AND":
        return left + right if left is not None and right is not None else None
    if node.op == "OR":
        return None if left is None and right is None else (left or 0.0) + (right or 0.0)
    return left if left is not None and right is None else None  # ANDNOT


@dataclass
class Hit:
    paper: FakePaper
    version: int


def search(papers: list[FakePaper], query: str, id_list: list[str]) -> list[Hit]:
    """The hits for a query and/or id list: id_list order when ids are given, else relevance.

    Raises QueryError for an unparsable query and ValueError (message "incorrect id format for X") for a bad id.
    """
    node = parse_query(query) if query.strip() else None
    on_arxiv = [p for p in papers if p.arxiv_id]
    if id_list:
        by_id = {p.arxiv_id: p for p in on_arxiv}
        hits = []
        for raw in id_list:
            if not valid_arxiv_id(raw):
                raise ValueError(f"incorrect id format for {raw}")
            m = re.match(r"^(.*?)(?:v(\d+))?$", raw)
            assert m is not None
            paper = by_id.get(m.group(1))
            version = int(m.group(2)) if m.group(2) else (paper.versions if paper else 1)
            if paper and version <= paper.versions and (node is None or score(node, paper) is not None):
                hits.append(Hit(paper, version))
        return hits
    if node is None:
        return []
    scored = [(s, p) for p in on_arxiv if (s := score(node, p)) is not None]
    scored.sort(key=lambda sp: (-sp[0], sp[1].arxiv_id or ""))
    return [Hit(p, p.versions) for _, p in scored]


def _iso(date: str) -> str:
    parts = ([*date.split("-"), "01", "01"])[:3]
    return f"{parts[0]}-{parts[1]}-{parts[2]}T00:00:00Z"


def _updated(hit: Hit) -> str:
    """The served version's date: the recorded latest-version date for the latest version, else the v1 date."""
    p = hit.paper
    return _iso(p.updated if p.updated and hit.version == p.versions else p.published)


NS_ATOM = "http://www.w3.org/2005/Atom"
NS_OS = "http://a9.com/-/spec/opensearch/1.1/"
NS_ARXIV = "http://arxiv.org/schemas/atom"


def _entry_2026(hit: Hit) -> str:
    p, vid = hit.paper, f"{hit.paper.arxiv_id}v{hit.version}"
    date, updated = _iso(p.published), _updated(hit)
    lines = [
        "  <entry>",
        f"    <id>http://arxiv.org/abs/{vid}</id>",
        f"    <title>{escape(p.title)}</title>",
        f"    <updated>{updated}</updated>",
        f'    <link href="https://arxiv.org/abs/{vid}" rel="alternate" type="text/html"/>',
        f'    <link href="https://arxiv.org/pdf/{vid}" rel="related" type="application/pdf" title="pdf"/>',
    ]
    if p.doi:
        lines.append(f'    <link href={quoteattr("https://doi.org/" + p.doi)} rel="related" title="doi"/>')
    lines += [
        f"    <summary>{escape(p.abstract)}</summary>",
        f'    <category term="{p.primary_class}" scheme="http://arxiv.org/schemas/atom"/>',
        f"    <published>{date}</published>",
    ]
    if p.comment:
        lines.append(f"    <arxiv:comment>{escape(p.comment)}</arxiv:comment>")
    lines.append(f'    <arxiv:primary_category term="{p.primary_class}"/>')
    if p.journal_ref:
        lines.append(f"    <arxiv:journal_ref>{escape(p.journal_ref)}</arxiv:journal_ref>")
    if p.doi:
        lines.append(f"    <arxiv:doi>{escape(p.doi)}</arxiv:doi>")
    lines += [f"    <author>\n      <name>{escape(a)}</name>\n    </author>" for a in p.authors]
    lines.append("  </entry>")
    return "\n".join(lines)


def _entry_classic(hit: Hit) -> str:
    """The pre-2025 layout: inline namespaces, hard-wrapped title/summary, dx.doi.org, different order."""
    p, vid = hit.paper, f"{hit.paper.arxiv_id}v{hit.version}"
    date, updated = _iso(p.published), _updated(hit)
    title = "\n  ".join(textwrap.wrap(escape(p.title), 80, break_on_hyphens=False, break_long_words=False))
    summary = "\n".join(textwrap.wrap(escape(p.abstract), 80, break_on_hyphens=False, break_long_words=False))
    lines = [
        "  <entry>",
        f"    <id>http://arxiv.org/abs/{vid}</id>",
        f"    <updated>{updated}</updated>",
        f"    <published>{date}</published>",
        f"    <title>{title}</title>",
        f"    <summary>  {summary}\n</summary>",
    ]
    lines += [f"    <author>\n      <name>{escape(a)}</name>\n    </author>" for a in p.authors]
    if p.doi:
        lines.append(f'    <arxiv:doi xmlns:arxiv="{NS_ARXIV}">{escape(p.doi)}</arxiv:doi>')
        lines.append(f'    <link title="doi" href={quoteattr("http://dx.doi.org/" + p.doi)} rel="related"/>')
    if p.comment:
        lines.append(f'    <arxiv:comment xmlns:arxiv="{NS_ARXIV}">{escape(p.comment)}</arxiv:comment>')
    lines += [
        f'    <link href="http://arxiv.org/abs/{vid}" rel="alternate" type="text/html"/>',
        f'    <link title="pdf" href="http://arxiv.org/pdf/{vid}" rel="related" type="application/pdf"/>',
    ]
    if p.journal_ref:
        lines.append(f'    <arxiv:journal_ref xmlns:arxiv="{NS_ARXIV}">{escape(p.journal_ref)}</arxiv:journal_ref>')
    lines += [
        f'    <arxiv:primary_category xmlns:arxiv="{NS_ARXIV}" term="{p.primary_class}" scheme="{NS_ARXIV}"/>',
        f'    <category term="{p.primary_class}" scheme="{NS_ARXIV}"/>',
        "  </entry>",
    ]
    return "\n".join(lines)


def feed(hits: list[Hit], total: int, start: int, max_results: int, query_text: str, classic: bool) -> bytes:
    """A result page; ``query_text`` is the decoded "search_query=...&id_list=..." shown in the feed title."""
    entries = "\n".join((_entry_classic if classic else _entry_2026)(h) for h in hits)
    if classic:
        head = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<feed xmlns="{NS_ATOM}">\n'
            f'  <title type="html">ArXiv Query: {escape(query_text)}</title>\n'
            "  <id>http://arxiv.org/api/fake</id>\n"
            "  <updated>2017-05-14T00:00:00-04:00</updated>\n"
            f'  <opensearch:totalResults xmlns:opensearch="{NS_OS}">{total}</opensearch:totalResults>\n'
            f'  <opensearch:startIndex xmlns:opensearch="{NS_OS}">{start}</opensearch:startIndex>\n'
            f'  <opensearch:itemsPerPage xmlns:opensearch="{NS_OS}">{max_results}</opensearch:itemsPerPage>\n'
        )
    else:
        head = (
            "<?xml version='1.0' encoding='UTF-8'?>\n"
            f'<feed xmlns:opensearch="{NS_OS}" xmlns:arxiv="{NS_ARXIV}" xmlns="{NS_ATOM}">\n'
            "  <id>https://arxiv.org/api/fake</id>\n"
            f"  <title>arXiv Query: {escape(query_text)}</title>\n"
            "  <updated>2026-04-12T22:09:27Z</updated>\n"
            f"  <opensearch:itemsPerPage>{max_results}</opensearch:itemsPerPage>\n"
            f"  <opensearch:totalResults>{total}</opensearch:totalResults>\n"
            f"  <opensearch:startIndex>{start}</opensearch:startIndex>\n"
        )
    return (head + (entries + "\n" if entries else "") + "</feed>\n").encode("utf-8")


def error_feed(message: str) -> bytes:
    anchor = re.sub(r"\W+", "_", message)
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        f'<feed xmlns:opensearch="{NS_OS}" xmlns:arxiv="{NS_ARXIV}" xmlns="{NS_ATOM}">\n'
        "  <id>https://arxiv.org/</id>\n  <title>arXiv Search Results</title>\n"
        "  <updated>2026-04-12T22:59:06Z</updated>\n"
        "  <opensearch:itemsPerPage>1</opensearch:itemsPerPage>\n"
        "  <opensearch:totalResults>1</opensearch:totalResults>\n"
        "  <opensearch:startIndex>0</opensearch:startIndex>\n"
        f"  <entry>\n    <id>https://arxiv.org/api/errors#{anchor}</id>\n    <title>Error</title>\n"
        "    <updated>2026-04-12T22:59:06Z</updated>\n"
        f'    <link href="https://arxiv.org/api/errors#{anchor}" rel="alternate" type="text/html"/>\n'
        f"    <summary>{escape(message)}</summary>\n"
        "    <author>\n      <name>arXiv api core</name>\n    </author>\n  </entry>\n</feed>\n"
    ).encode()


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE feed [\n<!ENTITY lol "lol">\n'
    + b"".join(
        b'<!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
    )
    + b']>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol9;</title></feed>\n'
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2401.00001v1</id>'
    b"<title>&xxe;</title></entry></feed>\n"
)
MALFORMED = b'<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n  <entry>\n    <title>Cut short'
