"""arXiv: the Atom parser on every recorded sample, and the client over HTTP against the fake server."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readlist.errors import ApiError
from readlist.model import Record
from readlist.resolve.http import Http
from readlist.sources.arxiv import (
    PHRASE_WORDS,
    PHRASES,
    STOP_WORDS,
    ArxivClient,
    abstract_clause,
    abstract_phrases,
    parse_feed,
    title_phrase,
)
from readlist.text import normalize_title
from tests.conftest import http_for
from tests.fakeserver import FakeServer
from tests.fakeserver.arxiv import BILLION_LAUGHS, EXTERNAL_ENTITY, MALFORMED, Op, Term, parse_query
from tests.paths import SAMPLES


def sample(name: str) -> list[Record]:
    return parse_feed((SAMPLES / name).read_bytes())


def test_search_sample_2026() -> None:
    records = sample("arxiv_2026_search_all-testing_start0_max10.xml")
    assert len(records) == 10
    assert sum(r.doi is not None for r in records) == 6
    assert sum(r.journal is not None for r in records) == 6
    first = records[0]
    assert (first.arxiv_id, first.arxiv_version, first.primary_class) == ("2202.12139", 1, "cs.SE")
    assert first.doi == "10.1109/icstw55395.2022.00035"
    assert first.published == "2022-02-24" and first.year == 2022
    assert first.url == "https://arxiv.org/abs/2202.12139"


def test_boolean_search_sample_has_50_entries() -> None:
    records = sample("arxiv_2026_search_boolean_submittedDate_max50.xml")
    assert len(records) == 50 and all(r.arxiv_id and r.title and r.authors for r in records)


def test_classic_2017_serialization() -> None:
    records = sample("arxiv_classic2017_search_deep-dream_start0_max10.xml")
    assert len(records) == 10
    assert records[0].title == (
        "Hierarchical Neural Representation of Dreamed Objects Revealed by Brain Decoding with Deep Neural Network "
        "Features"
    )
    assert all("\n" not in r.title and "  " not in (r.abstract or "") for r in records)
    by_id = {r.arxiv_id: r for r in records}
    assert by_id["1511.08339"].doi == "10.3847/0004-637x/820/2/107"
    assert by_id["1611.09520"].primary_class == "q-bio.NC" and by_id["1611.09520"].arxiv_version == 2
    assert by_id["1611.09520"].published == "2016-11-29" and by_id["1611.09520"].updated == "2017-01-23"


def test_old_style_ids() -> None:
    (astro,) = sample("arxiv_2026_idlist_astro-ph_0601001_oldstyle_journalref.xml")
    assert (astro.arxiv_id, astro.arxiv_version, astro.primary_class) == ("astro-ph/0601001", 1, "astro-ph")
    assert astro.journal == "ActaAstron.56:1-50,2006"
    assert astro.authors == ["Andrew Gould", "Susan Dorsher", "B. Scott Gaudi", "Andrzej Udalski"]
    assert astro.abstract and not astro.abstract.startswith(" ")
    (quant,) = sample("arxiv_2026_idlist_quant-ph_0201082v1_oldstyle_versioned.xml")
    assert (quant.arxiv_id, quant.arxiv_version) == ("quant-ph/0201082", 1)


def test_34_authors_utf8() -> None:
    (record,) = sample("arxiv_2026_idlist_1707.08567_many_authors_utf8.xml")
    assert len(record.authors) == 34 and "Dirk Wübben" in record.authors


def test_title_zero() -> None:
    (record,) = sample("arxiv_2026_idlist_2104.12255v1_title_is_0.xml")
    assert record.title == "0" and record.arxiv_id == "2104.12255"


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("arxiv_2026_idlist_0000.0000_empty.xml", 0),
        ("arxiv_2026_idlist_0808.05394_empty.xml", 0),
        ("arxiv_2026_idlist_two_ids_one_nonexistent.xml", 1),
    ],
)
def test_empty_and_partial_results(name: str, count: int) -> None:
    assert len(sample(name)) == count


def test_error_feed_raises_with_its_message() -> None:
    with pytest.raises(ApiError, match="incorrect id format for abc"):
        sample("arxiv_2026_error_http400_idlist_abc.xml")


@pytest.mark.parametrize(
    "body", [BILLION_LAUGHS, EXTERNAL_ENTITY, MALFORMED, b"<html><body>oops</body></html>", b"Rate exceeded."]
)
def test_hostile_or_broken_bodies_raise_api_error(body: bytes) -> None:
    with pytest.raises(ApiError):
        parse_feed(body)


def test_pdf_link_variants_do_not_matter() -> None:
    body = (SAMPLES / "arxiv_2026_idlist_2104.12255v1_title_is_0.xml").read_bytes().replace(b' title="pdf"', b"")
    assert parse_feed(body)[0].arxiv_id == "2104.12255"


@pytest.mark.parametrize(
    ("title", "phrase"),
    [
        ("Adapt-$\\infty$: Scalable Lifelong Tuning", "Adapt infty Scalable Lifelong Tuning"),
        ('C++ "quoted" (parens) & co.', "C quoted parens co"),
        ("Skill-it! A Data-Driven Skills Framework", "Skill it A Data Driven Skills Framework"),
    ],
)
def test_title_phrase(title: str, phrase: str) -> None:
    assert title_phrase(title) == phrase


# --- over HTTP --------------------------------------------------------------------------------------------


@pytest.fixture
def client(http: Http, fake_server: FakeServer) -> ArxivClient:
    return ArxivClient(http, fake_server.arxiv_url)


def corpus_titles(server: FakeServer) -> dict[str, str]:
    return {p.arxiv_id: p.title for p in server.papers if p.arxiv_id}


def test_query_is_encoded_once_and_hyphens_become_spaces(client: ArxivClient, fake_server: FakeServer) -> None:
    fake_server.set_corpus([{"title": "Adapt-infty: Scalable C++ Tuning", "arxiv_id": "2410.10636"}])
    records = client.search_titles(["Adapt-$\\infty$: Scalable C++ Tuning"])
    assert [r.arxiv_id for r in records] == ["2410.10636"]
    (request,) = fake_server.requests()
    assert request.method == "POST"
    assert request.param("search_query") == 'ti:"Adapt infty Scalable C Tuning"'
    assert b"%2B" not in request.body and b"%22" in request.body


def test_hyphen_or_plus_left_in_a_query_finds_nothing(http: Http, fake_server: FakeServer) -> None:
    for query in ('ti:"Adapt-infty Scalable"', "ti:Adapt+infty"):
        body = http.get(fake_server.arxiv_url, {"search_query": query}).content
        assert parse_feed(body) == []


def test_search_many_titles_in_few_post_requests(client: ArxivClient, fake_server: FakeServer) -> None:
    known = dict(list(corpus_titles(fake_server).items())[:150])  # the corpus holds more than 200 papers
    titles = list(known.values()) + [f"An Unknown Paper Number {n}" for n in range(200 - len(known))]
    records = client.search_titles(titles)
    found = {r.arxiv_id for r in records}
    assert set(known) <= found
    requests = fake_server.requests()
    assert all(r.method == "POST" and len(r.target) < 4096 for r in requests)
    first_round = -(-200 // client.batch_size)
    assert len(requests) <= first_round + -(-(200 - len(known)) // client.retry_batch_size)
    assert int(requests[0].param("max_results") or 0) == client.results_per_title * client.batch_size


def test_crowded_out_title_is_found_by_a_smaller_retry(http: Http, fake_server: FakeServer) -> None:
    generic = [{"title": f"Neural Networks Variant {n}", "arxiv_id": f"2301.0000{n}"} for n in range(6)]
    specific = {"title": "Counting Sheep in Long Winter Nights with Many More Words", "arxiv_id": "2302.00001"}
    fake_server.set_corpus([*generic, specific])
    client = ArxivClient(http, fake_server.arxiv_url, batch_size=10, retry_batch_size=1, results_per_title=2)
    records = client.search_titles(["Neural Networks", "Counting Sheep"])
    assert "2302.00001" in {r.arxiv_id for r in records}
    assert len(fake_server.requests()) == 2  # the batch, then the crowded-out title alone


def test_a_title_arxiv_lacks_is_not_asked_again_when_every_match_came_back(http: Http, fake_server: FakeServer) -> None:
    fake_server.set_corpus([{"title": f"Known Paper Number {n}", "arxiv_id": f"2301.0000{n}"} for n in range(3)])
    client = ArxivClient(http, fake_server.arxiv_url, batch_size=10, retry_batch_size=1, results_per_title=2)
    records = client.search_titles(["Known Paper Number 1", "A Title Renamed On arXiv Since", "Not There Either"])
    assert [r.arxiv_id for r in records] == ["2301.00001"]
    assert len(fake_server.requests()) == 1  # totalResults 1 <= 1 returned: nothing was crowded out


def test_transient_empty_feed_is_retried_in_smaller_batches(client: ArxivClient, fake_server: FakeServer) -> None:
    titles = list(corpus_titles(fake_server).values())[:8]
    fake_server.faults.push("empty")
    assert len(client.search_titles(titles)) >= 8


def test_fetch_ids_returns_all_of_more_than_ten(client: ArxivClient, fake_server: FakeServer) -> None:
    known = list(corpus_titles(fake_server))[:25]
    result = client.fetch_ids([*known, "0000.0000", "not-an-id", f"{known[0]}v1"])
    assert set(result) == set(known)
    (request,) = fake_server.requests()
    assert int(request.param("max_results") or 0) >= 26
    assert "not-an-id" not in (request.param("id_list") or "")


def test_fetch_ids_chunks_by_100(http: Http, fake_server: FakeServer) -> None:
    fake_server.set_corpus([{"title": f"Paper {n}", "arxiv_id": f"2401.{n:05d}"} for n in range(250)])
    result = ArxivClient(http, fake_server.arxiv_url).fetch_ids([f"2401.{n:05d}" for n in range(250)])
    assert len(result) == 250
    assert [len((r.param("id_list") or "").split(",")) for r in fake_server.requests()] == [100, 100, 50]


def test_classic_and_2026_feeds_parse_to_the_same_records(client: ArxivClient, fake_server: FakeServer) -> None:
    ids = list(corpus_titles(fake_server))
    modern = client.fetch_ids(ids)
    fake_server.classic = True
    settings = client.http.settings.replace(cache=client.http.settings.cache.with_name("classic.sqlite"))
    with http_for(settings) as http:
        assert ArxivClient(http, fake_server.arxiv_url).fetch_ids(ids) == modern
    assert b"ArXiv Query" in fake_server.respond(fake_server.requests()[-1])[1]


def test_error_feed_over_http_raises(http: Http, fake_server: FakeServer) -> None:
    response = http.get(fake_server.arxiv_url, {"id_list": "abc"})
    assert response.status_code == 400
    with pytest.raises(ApiError, match="incorrect id format for abc"):
        parse_feed(response.content)


@pytest.mark.parametrize("kind", ["malformed", "html", "billion-laughs", "xxe"])
def test_unusable_feed_raises_and_is_not_cached(client: ArxivClient, fake_server: FakeServer, kind: str) -> None:
    arxiv_id = next(iter(corpus_titles(fake_server)))
    fake_server.faults.push(kind)
    with pytest.raises(ApiError):
        client.fetch_ids([arxiv_id])
    assert set(client.fetch_ids([arxiv_id])) == {arxiv_id}
    assert len(fake_server.requests()) == 2


# -- search by abstract -------------------------------------------------------------------------------------------

# Synthetic abstracts (the repo keeps no prose of the seed pages): every trap arXiv's query parser has.
TRAPS = (
    'We introduce "QuIRK", a $\\mathcal{O}(n\\log n)$ sampler for Schrödinger bridges (see Fig. 2). Its key idea: '
    "state-of-the-art samplers AND OR ANDNOT operators are rewritten as stochastic interpolation kernels; "
    "experiments on CIFAR-10 show 3x faster convergence. Code: https://example.org/quirk. We don't claim more, "
    "but our extensive ablation suggests considerable headroom for distributional matching objectives in the trunc"
)


def phrase_words(clause: str) -> list[list[str]]:
    """The words of each abs: phrase of a clause, read back with the fake server's parser (arXiv's grammar)."""
    terms: list[list[str]] = []

    def walk(node: Term | Op) -> None:
        if isinstance(node, Term):
            assert (node.field, node.phrase) == ("abs", True)
            terms.append(node.text.split())
        else:
            assert node.op == "OR"
            walk(node.left)
            walk(node.right)

    walk(parse_query(clause))
    return terms


def test_abstract_phrases_avoid_what_arxivs_parser_reads_otherwise() -> None:
    phrases = abstract_phrases(TRAPS)
    assert 1 <= len(phrases) <= PHRASES
    for phrase in phrases:
        words = phrase.split()
        assert len(words) == PHRASE_WORDS
        assert all(w.isascii() and w.isalpha() and w.islower() and 3 <= len(w) <= 24 for w in words), phrase
        assert not set(words) & STOP_WORDS
        assert f" {phrase} " in f" {normalize_title(TRAPS)} "  # consecutive in the abstract as arXiv tokenizes it
    text = " ".join(phrases)
    for trap in ("mathcal", "log", "quirk", "schr", "cifar", "http", "example", "don", "and", "trunc"):
        assert trap not in text.split(), trap  # LaTeX, quotes, accents, digits, URLs, apostrophes, operators, cut
    # The first third has no run of plain words; in each other third the run of the longest (rarest) words wins.
    assert phrases == ["stochastic interpolation kernels", "distributional matching objectives"]


def test_an_abstract_clause_is_a_quoted_or_of_its_phrases() -> None:
    clause = abstract_clause(TRAPS)
    assert clause is not None and clause.startswith("(") and clause.endswith(")")
    assert [" ".join(words) for words in phrase_words(clause)] == abstract_phrases(TRAPS)
    assert abstract_clause("$x^2$ -- (a) [b] 42, 7.") is None  # nothing plain to search
    assert abstract_clause("") is None


@given(st.text(max_size=600))
def test_any_abstract_gives_a_clause_arxiv_parses(text: str) -> None:
    clause = abstract_clause(text)
    if clause is not None:
        assert all(len(words) == PHRASE_WORDS for words in phrase_words(clause))
        assert len(clause) <= PHRASES * (PHRASE_WORDS * 25 + 12) + 2  # bounded whatever the abstract's length


RENAMED_ABSTRACT = (
    "Reading lists grow when researchers paste pages of new papers every day. We model the backlog as a queue in "
    "which each paper waits until it is read, annotated or dropped, and predict its size from the pasting and "
    "reading rates. On synthetic lists the backlog grows without bound unless reading keeps pace with pasting."
)


def test_abstract_search_finds_renamed_papers_in_one_batched_request(http: Http, fake_server: FakeServer) -> None:
    fake_server.set_corpus(
        [
            {"title": "Unbounded Backlogs", "arxiv_id": "2401.00001", "abstract": RENAMED_ABSTRACT},
            {"title": "Bread Proofing Times", "arxiv_id": "2401.00002", "abstract": TRAPS},
            {"title": "Something Else Entirely", "arxiv_id": "2401.00003", "abstract": "Cats sleep a lot."},
        ]
    )
    client = ArxivClient(http, fake_server.arxiv_url)
    records = client.search_abstracts([RENAMED_ABSTRACT, TRAPS, "An abstract of a paper arXiv does not hold."])
    assert sorted(r.arxiv_id or "" for r in records) == ["2401.00001", "2401.00002"]
    (request,) = fake_server.requests()
    assert request.param("search_query") == f"{abstract_clause(RENAMED_ABSTRACT)} OR {abstract_clause(TRAPS)}"
