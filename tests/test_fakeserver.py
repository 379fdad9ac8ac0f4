"""The fake arXiv + S2 server itself, probed with plain requests (it must behave like the recorded APIs)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from readlist.sources.arxiv import parse_feed
from tests.fakeserver import FakeServer, load_corpus
from tests.fakeserver.s2 import TOO_MANY
from tests.paths import seed

PAPERS = [
    {"title": "Deep Residual Learning for Image Recognition", "arxiv_id": "1512.03385", "authors": ["Kaiming He"]},
    {"title": "Attention Is All You Need", "arxiv_id": "1706.03762", "authors": ["Ashish Vaswani"], "year": 2017},
    {
        "title": "Residual Attention Network",
        "arxiv_id": "1704.06904",
        "authors": ["Fei Wang"],
        "primary_class": "cs.CV",
    },
    {"title": "A Journal Only Paper", "arxiv_id": None, "doi": "10.1000/xyz", "venue": "Some Journal", "year": 2021},
]


@pytest.fixture
def server(fake_server: FakeServer) -> FakeServer:
    fake_server.set_corpus(PAPERS)
    return fake_server


def arxiv(server: FakeServer, **params: object) -> list[str]:
    response = requests.get(server.arxiv_url, params=params, timeout=5)
    assert response.status_code == 200
    return [r.arxiv_id or "" for r in parse_feed(response.content)]


def test_corpus_loader_tolerates_missing_and_broken_files(tmp_path: Path) -> None:
    (tmp_path / "good.json").write_text(json.dumps({"papers": [PAPERS[0], {"arxiv_id": "1"}, "junk", PAPERS[0]]}))
    (tmp_path / "partial.json").write_text('{"papers": [{"title": "Half wri')
    with pytest.warns(UserWarning, match="partial.json"):
        papers = load_corpus(tmp_path)
    assert [p.arxiv_id for p in papers] == ["1512.03385"]
    assert load_corpus(tmp_path / "missing") == []


def test_abstracts_come_from_the_seed_page_at_run_time() -> None:
    lines = [line.strip() for line in seed("000").read_text(encoding="utf-8").splitlines() if line.strip()]
    title = next(line for line in lines if len(line.split()) >= 4 and len(line) < 150)
    (paper,) = load_corpus([{"kind": "seed", "seed_title": title, "title": title, "arxiv_id": "2402.15567"}])
    assert paper.abstract == lines[lines.index(title) + 1]
    (other,) = load_corpus([{"title": "Not On Any Page", "arxiv_id": "2402.00001"}])
    assert other.abstract and "placeholder" not in other.abstract.lower()
    assert other.abstract not in lines  # sentences of other seed papers, never one page abstract whole
    assert load_corpus([{"title": "Not On Any Page", "arxiv_id": "2402.00001"}])[0].abstract == other.abstract


def test_a_distractor_abstract_avoids_the_paper_it_is_confused_with(tmp_path: Path) -> None:
    topics = ["Graph Kernels", "Protein Folding", "Speech Codecs", "Sea Ice"]
    page = "".join(
        f"On {t} at Scale\nWe study {t.lower()} first. The {t.lower()} method is new. It is tested on {t.lower()} "
        f"data. Results on {t.lower()} improve.\n\n"
        for t in topics
    )
    (tmp_path / "000_page.txt").write_text(page, encoding="utf-8")
    record = {"kind": "distractor", "title": "Unrelated Title Here", "confused_with": ["On Sea Ice at Scale"]}
    (paper,) = load_corpus([record], seeds=tmp_path)
    assert "sea ice" not in paper.abstract.lower()
    assert all(t.lower() in paper.abstract.lower() for t in topics[:3])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('ti:"residual learning"', ["1512.03385"]),
        ("ti:attention AND ti:residual", ["1704.06904"]),
        ("ti:attention ANDNOT ti:residual", ["1706.03762"]),
        ("au:Vaswani OR cat:cs.CV", None),
        ("(ti:attention OR ti:deep) AND au:he", ["1512.03385"]),
        ("ti:attention OR ti:deep AND au:wang", ["1706.03762", "1704.06904"]),  # grouped from the right
        ("residual", None),  # a bare term is all:residual
        ('ti:"residual-learning"', ["1704.06904"]),  # the hyphen negates "learning": the wrong paper
        ("ti:residual+learning", []),  # a literal plus (double encoding) matches nothing
    ],
)
def test_arxiv_query_language(server: FakeServer, query: str, expected: list[str] | None) -> None:
    found = arxiv(server, search_query=query)
    if expected is None:
        assert len(found) == 2
    else:
        assert sorted(found) == sorted(expected)


def test_relevance_order_and_paging(server: FakeServer) -> None:
    assert arxiv(server, search_query="ti:attention")[0] == "1704.06904"  # shorter title scores higher
    assert arxiv(server, search_query="ti:attention", start=1, max_results=1) == ["1706.03762"]


def test_id_list_default_max_results_is_ten(fake_server: FakeServer) -> None:
    fake_server.set_corpus([{"title": f"Paper {n}", "arxiv_id": f"2401.{n:05d}"} for n in range(15)])
    ids = ",".join(f"2401.{n:05d}" for n in range(15))
    response = requests.get(fake_server.arxiv_url, params={"id_list": ids}, timeout=5)
    assert len(parse_feed(response.content)) == 10
    assert b"<opensearch:totalResults>15<" in response.content
    assert len(arxiv(fake_server, id_list=ids, max_results=15)) == 15


def test_id_list_bad_id_is_an_error_feed_with_400(server: FakeServer) -> None:
    response = requests.get(server.arxiv_url, params={"id_list": "abc"}, timeout=5)
    assert response.status_code == 400 and b"incorrect id format for abc" in response.content
    assert arxiv(server, id_list="0808.05394") == []  # well-formed but unknown: empty 200


def test_post_form_body_and_request_log(server: FakeServer) -> None:
    response = requests.post(server.arxiv_url, data={"search_query": 'ti:"attention is"'}, timeout=5)
    assert [r.arxiv_id for r in parse_feed(response.content)] == ["1706.03762"]
    (logged,) = server.requests("arxiv")
    assert (logged.method, logged.path, logged.param("search_query")) == ("POST", "/api/query", 'ti:"attention is"')
    assert logged.header("content-type") == "application/x-www-form-urlencoded"


def test_classic_serialization(server: FakeServer) -> None:
    server.classic = True
    body = requests.get(server.arxiv_url, params={"id_list": "1512.03385"}, timeout=5).content
    assert body.startswith(b'<?xml version="1.0"') and b"ArXiv Query:" in body
    assert parse_feed(body)[0].title == "Deep Residual Learning for Image Recognition"


def test_s2_shapes(server: FakeServer) -> None:
    base = server.s2_url
    match = requests.get(f"{base}/paper/search/match", params={"query": "attention is all you need"}, timeout=5)
    (hit,) = match.json()["data"]
    assert set(hit) == {"paperId", "title", "matchScore"} and isinstance(hit["matchScore"], float)
    miss = requests.get(f"{base}/paper/search/match", params={"query": "qqq zzz"}, timeout=5)
    assert (miss.status_code, miss.json()) == (404, {"error": "Title match not found"})
    assert requests.get(f"{base}/paper/search", params={"query": "qqq"}, timeout=5).json() == {"total": 0, "offset": 0}
    page = requests.get(f"{base}/paper/search", params={"query": "residual", "limit": 1}, timeout=5).json()
    assert (page["total"], page["next"], len(page["data"])) == (2, 1, 1)
    paper = requests.get(f"{base}/paper/DOI:10.1000/XYZ", params={"fields": "externalIds,journal"}, timeout=5).json()
    assert paper["externalIds"]["DOI"] == "10.1000/xyz" and paper["journal"]["name"] == "Some Journal"
    arxiv_doi = requests.get(f"{base}/paper/ARXIV:1512.03385", params={"fields": "externalIds"}, timeout=5).json()
    assert arxiv_doi["externalIds"]["DOI"] == "10.48550/arXiv.1512.03385"
    assert isinstance(arxiv_doi["externalIds"]["CorpusId"], int)
    unknown = requests.get(f"{base}/paper/ARXIV:0000.0000", timeout=5)
    assert unknown.json() == {"error": "Paper with id ARXIV:0000.0000 not found"}
    bad = requests.get(f"{base}/paper/ARXIV:1512.03385", params={"fields": "matchScore"}, timeout=5)
    assert bad.status_code == 400 and "Unrecognized" in bad.json()["error"]
    batch = requests.post(f"{base}/paper/batch", json={"ids": ["x", "ARXIV:1706.03762"]}, timeout=5).json()
    assert batch[0] is None and batch[1]["title"] == "Attention Is All You Need"


def test_s2_429_is_the_recorded_one(server: FakeServer) -> None:
    server.faults.push("429", service="s2")
    response = requests.get(f"{server.s2_url}/paper/ARXIV:1512.03385", timeout=5)
    assert response.status_code == 429 and response.json() == TOO_MANY
    assert response.headers["x-amzn-ErrorType"] == "TooManyRequestsException" and "Retry-After" not in response.headers


def test_s2_key_check(server: FakeServer) -> None:
    server.api_key = "right"
    url = f"{server.s2_url}/paper/ARXIV:1512.03385"
    assert requests.get(url, headers={"x-api-key": "wrong"}, timeout=5).status_code == 403
    assert requests.get(url, headers={"x-api-key": "right"}, timeout=5).status_code == 200
    assert requests.get(url, timeout=5).status_code == 200  # anonymous use is allowed


@pytest.mark.parametrize(
    ("kind", "error"),
    [("reset", requests.ConnectionError), ("truncate", requests.exceptions.ChunkedEncodingError)],
)
def test_transport_faults(server: FakeServer, kind: str, error: type[Exception]) -> None:
    server.faults.push(kind)
    with pytest.raises(error):
        requests.get(server.arxiv_url, params={"id_list": "1512.03385"}, timeout=5)


def test_hang_outlasts_the_read_timeout(server: FakeServer) -> None:
    server.faults.set(hang_seconds=0.5)
    server.faults.push("hang")
    with pytest.raises(requests.ReadTimeout):
        requests.get(server.arxiv_url, params={"id_list": "1512.03385"}, timeout=(1, 0.2))


def test_random_faults_are_seeded_and_server_side_rate_limit(server: FakeServer) -> None:
    def statuses() -> list[int]:
        server.faults.set(rate=0.5, kinds=["500", "503"], seed=7)
        return [
            requests.get(server.arxiv_url, params={"id_list": "1512.03385"}, timeout=5).status_code for _ in range(12)
        ]

    first = statuses()
    assert first == statuses() and set(first) == {200, 500, 503}
    server.faults.reset()
    server.faults.set(min_interval=5.0)
    codes = [requests.get(f"{server.s2_url}/paper/x", timeout=5).status_code for _ in range(2)]
    assert codes == [404, 429]


ABSTRACT_PAPERS = [
    {
        "title": "Queues of Unread Papers",
        "arxiv_id": "2401.00001",
        "abstract": "We model the Reading-List backlog as a queue; pasted pages arrive daily, papers leave when read.",
    },
    {
        "title": "Bread Proofing Times",
        "arxiv_id": "2401.00002",
        "abstract": "Dough rises faster in warm kitchens: we time the proofing of sourdough loaves over a year.",
    },
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('abs:"reading list backlog"', ["2401.00001"]),  # case and punctuation are not part of a phrase
        ('abs:"READING-LIST backlog"', []),  # the hyphen still negates what follows it
        ('abs:"backlog reading list"', []),  # a phrase keeps its word order
        ('abs:"pasted pages" OR abs:"sourdough loaves"', ["2401.00001", "2401.00002"]),
        ('(abs:"pasted pages" OR abs:"kitchen") AND abs:"warm kitchens"', []),
        ('abs:"warm kitchens" AND abs:"proofing"', ["2401.00002"]),
        ('abs:"unread papers"', []),  # the title is not the abstract
    ],
)
def test_arxiv_abstract_phrase_search(fake_server: FakeServer, query: str, expected: list[str]) -> None:
    fake_server.set_corpus(ABSTRACT_PAPERS)
    assert sorted(arxiv(fake_server, search_query=query)) == expected
