"""Semantic Scholar: mapping of the recorded samples, and the client over HTTP against the fake server."""

from __future__ import annotations

import json

import pytest

from readlist.config import Settings
from readlist.errors import ApiError, NetworkError
from readlist.resolve.http import Http
from readlist.sources.semanticscholar import FIELDS, S2Client, paper_record
from tests.conftest import http_for
from tests.fakeserver import FakeServer
from tests.paths import SAMPLES

KEY = "s2-secret-key-0123456789"


def sample(name: str) -> object:
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


def test_match_hit_sample() -> None:
    record = paper_record(sample("s2_2025_match_hit_attention_is_all_you_need.json")["data"][0])  # type: ignore[index]
    assert record.source == "s2" and record.title == "Attention is All you Need"
    assert (record.arxiv_id, record.doi, record.year, record.published) == ("1706.03762", None, 2017, "2017-06-12")
    assert record.venue == "Neural Information Processing Systems"
    assert (record.journal, record.pages) == (None, "5998-6008")
    assert record.authors[:2] == ["Ashish Vaswani", "Noam M. Shazeer"] and len(record.authors) == 8
    assert record.publication_types == ["JournalArticle", "Conference"]
    assert record.s2_id == "204e3073870fae3d05bcbc2f6a8e263d9b72e776"


def test_arxiv_only_preprint_has_no_doi_venue_or_journal() -> None:
    record = paper_record(sample("s2_2025_paper_DOI_arxiv_only_preprint.json"))  # type: ignore[arg-type]
    assert record.arxiv_id == "2312.07559"
    assert (record.doi, record.venue, record.journal, record.volume) == (None, None, None, None)


def test_journal_article_sample() -> None:
    record = paper_record(sample("s2_2025_paper_DOI_journal_article_with_arxiv_id.json"))  # type: ignore[arg-type]
    assert record.doi == "10.1038/s42256-024-00832-8" and record.arxiv_id == "2304.05376"
    assert (record.journal, record.volume, record.pages) == ("Nature Machine Intelligence", "6", "525 - 535")
    assert record.venue == "Nat. Mac. Intell."
    assert record.authors[0] == "Andrés M Bran"


def test_batch_sample_with_null_and_minimal_match() -> None:
    papers = sample("s2_2024_batch_4ids_first_null.json")
    assert isinstance(papers, list) and papers[0] is None and len(papers) == 4
    assert all(paper_record(p).s2_id for p in papers[1:])
    minimal = paper_record(sample("s2_2024_match_hit_partial_title_fields_title.json")["data"][0])  # type: ignore[index]
    assert minimal.title.startswith("Mining association rules") and minimal.authors == []


def test_every_paper_of_the_2026_search_maps() -> None:
    data = sample("s2_2026_search_turing_all_fields_publicationVenue.json")["data"]  # type: ignore[index]
    records = [paper_record(p) for p in data]
    assert len(records) == 100
    with_venue = [(p, r) for p, r in zip(data, records, strict=True) if p.get("publicationVenue")]
    assert len(with_venue) == 76
    for paper, record in with_venue:
        name = paper["publicationVenue"]["name"]
        assert record.venue == (None if name.lower() in ("arxiv.org", "arxiv") else name)
    assert not any(r.doi and r.doi.startswith("10.48550/") for r in records)


# --- over HTTP --------------------------------------------------------------------------------------------


@pytest.fixture
def client(http: Http, fake_server: FakeServer) -> S2Client:
    return S2Client(http, fake_server.s2_url, None)


def arxiv_ids(server: FakeServer) -> list[str]:
    return [p.arxiv_id for p in server.papers if p.arxiv_id]


def test_batch_keeps_order_and_nulls(client: S2Client, fake_server: FakeServer) -> None:
    known = arxiv_ids(fake_server)[:3]
    ids = ["ARXIV:0000.00000", *[f"ARXIV:{i}" for i in known], "DOI:10.9999/none"]
    records = client.batch(ids)
    assert records[0] is None and records[-1] is None
    assert [r.arxiv_id for r in records[1:4]] == known  # type: ignore[union-attr]
    (request,) = fake_server.requests()
    assert request.method == "POST" and request.param("fields") == FIELDS
    assert json.loads(request.body) == {"ids": ids}


def test_batch_is_cached(client: S2Client, fake_server: FakeServer) -> None:
    ids = [f"ARXIV:{i}" for i in arxiv_ids(fake_server)[:5]]
    assert client.batch(ids) == client.batch(ids)
    assert len(fake_server.requests()) == 1 and client.http.stats.cache_hits == 1


def test_batch_chunks_by_500(client: S2Client, fake_server: FakeServer) -> None:
    records = client.batch([f"CorpusId:{n}" for n in range(650)])
    assert len(records) == 650 and records == [None] * 650
    assert [len(json.loads(r.body)["ids"]) for r in fake_server.requests()] == [500, 150]


def test_match_title_hit_and_cached_miss(client: S2Client, fake_server: FakeServer) -> None:
    paper = next(p for p in fake_server.papers if p.arxiv_id and "-" in p.title)
    record = client.match_title(paper.title)
    assert record is not None and record.arxiv_id == paper.arxiv_id and record.title == paper.title
    assert "-" not in (fake_server.requests()[0].param("query") or "")
    assert client.match_title("zzqx wvvk unrelated nonsense") is None
    assert client.match_title("zzqx wvvk unrelated nonsense") is None
    assert len(fake_server.requests()) == 2


def test_429_without_retry_after_is_retried_then_answered(client: S2Client, fake_server: FakeServer) -> None:
    fake_server.faults.push("429", "429", service="s2")
    assert client.batch([f"ARXIV:{arxiv_ids(fake_server)[0]}"])[0] is not None
    assert client.http.stats.retries == 2


def test_persistent_429_is_a_network_error_not_a_miss(fake_settings: Settings, fake_server: FakeServer) -> None:
    fake_server.faults.set(rate=1.0, kinds=["429"])
    with http_for(fake_settings, max_retries=2) as http, pytest.raises(NetworkError, match="HTTP 429"):
        S2Client(http, fake_server.s2_url, KEY).match_title("Foundation Policies with Hilbert Representations")


def test_wrong_key_is_rejected_without_showing_it(fake_settings: Settings, fake_server: FakeServer) -> None:
    fake_server.api_key = "the-right-key"
    settings = fake_settings.replace(s2_api_key=KEY)
    with http_for(settings) as http, pytest.raises(ApiError) as caught:
        S2Client(http, fake_server.s2_url, KEY).batch(["ARXIV:2402.15567"])
    assert str(caught.value) == "Semantic Scholar rejected the API key"
    assert "X-API-Key" in fake_server.requests()[0].headers  # spelled so requests-cache redacts it


def test_right_key_works_and_never_reaches_the_cache(fake_settings: Settings, fake_server: FakeServer) -> None:
    fake_server.api_key = KEY
    with http_for(fake_settings.replace(s2_api_key=KEY)) as http:
        client = S2Client(http, fake_server.s2_url, KEY)
        assert client.batch(["ARXIV:2402.15567"])[0] is not None
        assert client.match_title("Foundation Policies with Hilbert Representations") is not None
    cache = b"".join(p.read_bytes() for p in fake_settings.cache.parent.iterdir())
    assert KEY.encode() not in cache


@pytest.mark.parametrize("kind", ["malformed", "html"])
def test_unusable_json_raises_and_is_not_cached(client: S2Client, fake_server: FakeServer, kind: str) -> None:
    fake_server.faults.push(kind)
    with pytest.raises(ApiError):
        client.batch(["ARXIV:2402.15567"])
    assert len(client.batch(["ARXIV:2402.15567"])) == 1
    assert len(fake_server.requests()) == 2
