"""The local arXiv index: snapshot lines, the index file, its queries, OAI-PMH pages and the harvest, over real
SQLite files and real HTTP against the fake server (stories through the CLI: tests/test_index_scenarios.py)."""

from __future__ import annotations

import itertools
import json
import random
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
import requests

from readlist.config import Settings
from readlist.errors import ReadlistError
from readlist.index.build import build
from readlist.index.harvest import update
from readlist.index.oai import OaiError, parse_page
from readlist.index.query import ArxivIndex
from readlist.index.schema import FIELDS, IndexRow, Writer, create, open_index, unpack, writer_lock
from readlist.index.snapshot import BadLine, parse_line, rfc2822_date, split_authors
from readlist.resolve.http import Http
from readlist.sources.arxiv import ArxivClient
from readlist.text import normalize_title
from tests.fakeserver import FakeServer
from tests.fakeserver.oai import Repository
from tests.snapshots import SYNTHETIC, corpus_records, write_snapshot


@pytest.fixture
def corpus_index(tmp_path: Path) -> Path:
    index = tmp_path / "index.sqlite"
    build(str(write_snapshot(tmp_path / "snapshot.json", [*corpus_records(), SYNTHETIC])), index, progress=False)
    return index


def settings_for(server: FakeServer, tmp_path: Path, index: Path, **changes: object) -> Settings:
    base = Settings(
        library=tmp_path / "library.sqlite", cache=tmp_path / "cache.sqlite", index=index, oai_url=server.oai_url,
        arxiv_url=server.arxiv_url, s2_url=server.s2_url, arxiv_interval=0.0, s2_interval=0.0,
        connect_timeout=2.0, read_timeout=5.0,
    )  # fmt: skip
    return base.replace(**changes)


# --- snapshot lines -------------------------------------------------------------------------------------------


def test_a_snapshot_line_becomes_a_row() -> None:
    row, stamp = parse_line(json.dumps(SYNTHETIC).encode())
    assert row == IndexRow(
        id="2401.00042",
        title='Schr{\\"o}dinger Bridges for Example Divergences',
        authors="Ada Example\x1fB. Sm{\\'i}th\x1fC. Doe Jr",
        abstract="We bridge synthetic examples with made-up quuxification.",
        published="2024-01-02",
        updated="2024-02-09",
        version=2,
        categories="cs.LG stat.ML",
        doi="10.1000/ONE 10.1000/two",
        journal_ref="J. Synth. 1 (2024) 2",
    )
    assert stamp == "2024-02-10"


@pytest.mark.parametrize(
    ("line", "why"),
    [
        (b"not json at all", "not JSON"),
        (b'{"id": "2401.00042", "title": "cut sho', "not JSON"),
        (b"\xff\xfe{}", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"title": "No id"}', "no id"),
        (b'{"id": "not-an-id", "title": "x"}', "not an arXiv id"),
        (b'{"id": 1234, "title": "x"}', "not an arXiv id"),
        (b'{"id": "2401.00042", "title": "   "}', "no title"),
        (b'{"id": "2401.00042"}', "no title"),
    ],
)
def test_a_bad_line_says_why(line: bytes, why: str) -> None:
    with pytest.raises(BadLine, match=why):
        parse_line(line)


def test_odd_fields_are_tolerated() -> None:
    odd = {**SYNTHETIC, "authors_parsed": None, "versions": "v1", "update_date": "yesterday", "doi": 7}
    row, stamp = parse_line(json.dumps(odd))
    assert row.authors.split("\x1f") == ["Ada Example", "B. Sm{\\'i}th", "C. Doe Jr"]  # from the author string
    assert (row.published, row.updated, row.version, row.doi, stamp) == (None, None, None, None, None)
    old = parse_line(json.dumps({**SYNTHETIC, "id": "math.GT/0309136"}))[0]
    assert old.id == "math/0309136"  # arXiv's ids drop the subject class


def test_author_strings_and_dates() -> None:
    assert split_authors("A. Smith (MIT), B. Jones ((1) Lab, (2) Univ) and C. Lee; D. Roe") == [
        "A. Smith", "B. Jones", "C. Lee", "D. Roe",
    ]  # fmt: skip
    assert split_authors("A. Smith, B. Jones, and C. Lee") == ["A. Smith", "B. Jones", "C. Lee"]
    assert rfc2822_date("Mon, 2 Apr 2007 19:18:42 GMT") == "2007-04-02"
    assert rfc2822_date("2 Apr 2007 19:18:42 GMT") == "2007-04-02"
    assert [rfc2822_date(v) for v in ("Mon, 32 Apr 2007", "soon", None, "Mon, 2 Foo 2007")] == [None] * 4


# --- the index file and its queries ---------------------------------------------------------------------------


def test_index_records_are_what_the_arxiv_api_gives(corpus_index: Path, fake_server: FakeServer, http: Http) -> None:
    ids = [p.arxiv_id for p in fake_server.papers if p.arxiv_id]
    online = ArxivClient(http, fake_server.arxiv_url).fetch_ids(ids)
    with ArxivIndex(corpus_index) as index:
        offline = index.fetch_ids(ids)
    assert set(offline) == set(online) and len(offline) == len(ids)
    same = ("title", "authors", "abstract", "arxiv_id", "published", "year", "primary_class", "doi", "journal", "url")
    for arxiv_id, record in online.items():
        assert {f: getattr(offline[arxiv_id], f) for f in same} == {f: getattr(record, f) for f in same}
        assert offline[arxiv_id].source == "index"


def test_ids_in_any_form(corpus_index: Path) -> None:
    with ArxivIndex(corpus_index) as index:
        found = index.fetch_ids(["arXiv:2401.00042v1", "https://arxiv.org/abs/2401.00042", "nonsense", "2401.99999"])
        assert list(found) == ["2401.00042"]
        record = found["2401.00042"]
        assert record.authors == ["Ada Example", "B. Smíth", "C. Doe Jr"]  # LaTeX decoded, as the API gives names
        assert (record.arxiv_version, record.doi, record.primary_class, record.year) == (
            2,
            "10.1000/one",
            "cs.LG",
            2024,
        )


def test_every_corpus_title_is_found(corpus_index: Path) -> None:
    records = corpus_records()
    with ArxivIndex(corpus_index) as index:
        for record in records:
            found = [r.arxiv_id for r in index.search_titles([record["title"]])]
            assert record["id"] in found[:5], record["id"]
        batch = {r.arxiv_id for r in index.search_titles([r["title"] for r in records])}
    assert batch >= {r["id"] for r in records}


def test_titles_are_found_across_latex_accents_case_and_changed_words(corpus_index: Path) -> None:
    with ArxivIndex(corpus_index) as index:
        for query in (
            "Schrödinger bridges for example divergences",  # the index has {\"o}
            "SCHRODINGER BRIDGES: EXAMPLE DIVERGENCES",
            "Schrödinger bridges for sample divergences",  # a word changed: no record holds every word
            "Schrödinger bridgse for example divergences",  # a typo: a word no record holds is dropped
        ):
            assert [r.arxiv_id for r in index.search_titles([query])][:1] == ["2401.00042"], query
        assert index.search_titles(["zzqx wvvq"]) == [] and index.search_titles([""]) == []


def test_a_retitled_paper_is_found_by_its_abstract(tmp_path: Path) -> None:
    """A title changed between versions: the title search misses the paper, the abstract search finds it first."""
    records = corpus_records()
    renamed = {**records[0], "title": "Entirely Different Wording Chosen Later"}
    index = tmp_path / "index.sqlite"
    build(str(write_snapshot(tmp_path / "s.json", [renamed, *records[1:]])), index, progress=False)
    with ArxivIndex(index) as idx:
        assert records[0]["id"] not in [r.arxiv_id for r in idx.search_titles([records[0]["title"]])]
        for record in records:  # among the candidates (a distractor made of seed sentences may share the rare words)
            assert record["id"] in [r.arxiv_id for r in idx.search_abstracts([record["abstract"]])]


def test_writes_keep_the_full_text_tables_and_term_counts_exact(tmp_path: Path) -> None:
    """Random inserts, replacements and deletions: FTS5 stays consistent, the term counts equal a recount, old
    titles are forgotten and every stored title is found."""
    rng = random.Random(7)
    words = [f"w{i}" for i in range(40)] + ['Schr{\\"o}dinger', "$\\alpha$-net", "naïve"]
    conn = create(str(tmp_path / "index.sqlite"))
    writer = Writer(conn)
    for _ in range(30):
        conn.execute("BEGIN")
        rows = [row(f"2401.{rng.randrange(60):05d}", rng, words) for _ in range(8)]
        writer.put(rows)
        writer.delete(f"2401.{rng.randrange(60):05d}" for _ in range(3))
        conn.execute("COMMIT")
    for field in FIELDS:
        conn.execute(f"INSERT INTO {field}_fts({field}_fts) VALUES ('integrity-check')")
    stored = conn.execute("SELECT num, id, title, abstract FROM papers").fetchall()
    conn.close()
    with ArxivIndex(tmp_path / "index.sqlite") as index:
        for field, texts in zip(FIELDS, ([r[2] for r in stored], [unpack(r[3]) for r in stored]), strict=True):
            recount = Counter(t for text in texts if text for t in set(normalize_title(text).split()))
            assert dict(index._conn.execute(f"SELECT term, records FROM {field}_terms")) == dict(recount)
        for _, arxiv_id, title, _ in stored:
            assert arxiv_id in [r.arxiv_id for r in index.search_titles([title])]


def row(arxiv_id: str, rng: random.Random, words: list[str]) -> IndexRow:
    abstract = " ".join(rng.choices(words, k=12)) if rng.random() < 0.8 else None
    title = " ".join(rng.sample(words, 5))
    return IndexRow(arxiv_id, title, "A B", abstract, "2024-01-01", "2024-01-01", 1, "cs.LG", None, None)


def test_a_file_that_is_not_an_index_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "library.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE papers(id)").connection.commit()
    noise = tmp_path / "noise.sqlite"
    noise.write_bytes(b"this is not a database" * 100)
    for path in (other, noise):
        with pytest.raises(ReadlistError, match="not a readlist index"):
            open_index(path)
    with pytest.raises(ReadlistError, match=r"no index at .*readlist index build"):
        open_index(tmp_path / "missing.sqlite")


def test_an_index_of_another_format_asks_for_a_rebuild(corpus_index: Path) -> None:
    conn = sqlite3.connect(corpus_index)
    conn.execute("UPDATE facts SET value = 'other' WHERE name = 'text_form'")
    conn.commit()
    open_index(corpus_index).close()  # still readable
    with pytest.raises(ReadlistError, match=r"normalizes text differently.*rebuild"):
        open_index(corpus_index, write=True)
    conn.execute("UPDATE facts SET value = 99 WHERE name = 'schema'")
    conn.commit()
    conn.close()
    with pytest.raises(ReadlistError, match=r"index format 99.*rebuild"):
        open_index(corpus_index)


def test_one_writer_at_a_time(tmp_path: Path) -> None:
    index = tmp_path / "index.sqlite"
    with writer_lock(index), pytest.raises(ReadlistError, match="another `readlist index build` or `update`"):
        build(str(write_snapshot(tmp_path / "s.json", [SYNTHETIC])), index, progress=False)
    assert not index.exists()


# --- OAI-PMH: the fake repository and the pages readlist reads --------------------------------------------------


def oai(server: FakeServer, **params: str) -> bytes:
    response = requests.get(server.oai_url, params=params, timeout=5)
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "badVerb"),
        ({"verb": "ListThings"}, "badVerb"),
        ({"verb": "ListRecords"}, "badArgument"),  # no metadataPrefix
        ({"verb": "ListRecords", "metadataPrefix": "arXiv", "colour": "blue"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "arXiv", "from": "2024-01-01T00:00:00Z"}, "badArgument"),
        (
            {"verb": "ListRecords", "metadataPrefix": "arXiv", "from": "2024-02-01", "until": "2024-01-01"},
            "badArgument",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "arXiv", "resumptionToken": "x"}, "badArgument"),  # exclusive
        ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
        ({"verb": "ListRecords", "resumptionToken": "never-issued"}, "badResumptionToken"),
        ({"verb": "ListRecords", "metadataPrefix": "arXiv", "from": "2999-01-01"}, "noRecordsMatch"),
    ],
)
def test_the_fake_repository_answers_errors_as_the_protocol_says(
    fake_server: FakeServer, params: dict[str, str], code: str
) -> None:
    with pytest.raises(OaiError) as caught:
        parse_page(oai(fake_server, **params), "arXiv")
    assert caught.value.code == code


def test_repeated_arguments_are_a_bad_argument(fake_server: FakeServer) -> None:
    url = f"{fake_server.oai_url}?verb=ListRecords&metadataPrefix=arXiv&metadataPrefix=arXiv"
    with pytest.raises(OaiError, match="badArgument"):
        parse_page(requests.get(url, timeout=5).content, "arXiv")


@pytest.mark.parametrize("classic", [True, False])
def test_pages_tokens_and_formats(fake_server: FakeServer, classic: bool) -> None:
    records = [{**SYNTHETIC, "id": f"2401.{i:05d}", "update_date": f"2024-02-{10 + i % 3}"} for i in range(5)]
    records.append({**SYNTHETIC, "id": "2401.00099", "update_date": "2024-02-11", "deleted": True})
    fake_server.oai = Repository(records, page_size=4, classic=classic)
    expected = parse_line(json.dumps(SYNTHETIC))[0]
    for prefix in ("arXiv", "arXivRaw"):
        first = parse_page(
            oai(fake_server, verb="ListRecords", metadataPrefix=prefix, **{"from": "2024-02-10"}), prefix
        )
        assert first.token and first.size == (6 if classic else None)
        assert first.last_datestamp == "2024-02-11"
        second = parse_page(oai(fake_server, verb="ListRecords", resumptionToken=first.token), prefix)
        assert second.token is None and second.last_datestamp == "2024-02-12"
        rows = first.rows + second.rows
        assert sorted(r.id for r in rows) == [f"2401.{i:05d}" for i in range(5)]
        assert first.deleted + second.deleted == ["2401.00099"]
        row = next(r for r in rows if r.id == "2401.00000")
        version = 2 if prefix == "arXivRaw" else None  # the arXiv format gives v1's and the latest version's dates
        raw_authors = prefix == "arXivRaw"  # parsed from the author string, as typed
        assert row == expected._replace(
            id="2401.00000", version=version, **({"authors": row.authors} if raw_authors else {})
        )
        assert row.authors.split("\x1f") == ["Ada Example", "B. Sm{\\'i}th", "C. Doe Jr"]


# --- the harvest ----------------------------------------------------------------------------------------------


def test_harvest_stores_changes_deletes_and_moves_the_datestamp(
    corpus_index: Path, fake_server: FakeServer, tmp_path: Path
) -> None:
    renamed = {**SYNTHETIC, "title": "A New Title for Version Three", "update_date": "2024-03-01"}
    fresh = {**SYNTHETIC, "id": "2403.00001", "title": "Fresh Paper", "update_date": "2024-03-02"}
    gone = {**corpus_records()[0], "update_date": "2024-03-02", "deleted": True}
    fake_server.oai = Repository([renamed, fresh, gone], page_size=2)
    before = int(dict(open_index(corpus_index).execute("SELECT name, value FROM facts"))["records"])
    report = update(settings_for(fake_server, tmp_path, corpus_index), from_date="2024-02-01", progress=False)
    assert (report.records, report.new, report.deleted, report.pages) == (2, 1, 1, 2)
    # the latest datestamp the index has seen, from its build or this harvest
    assert report.last_datestamp == max(r["update_date"] for r in [*corpus_records(), SYNTHETIC, fresh])
    with ArxivIndex(corpus_index) as index:
        assert int(index.facts["records"]) == before
        assert index.date == report.last_datestamp
        assert [r.arxiv_id for r in index.search_titles(["A New Title for Version Three"])][:1] == ["2401.00042"]
        assert index.search_titles(["Schrödinger"]) == []  # the old title's words are forgotten
        assert index.fetch_ids([gone["id"]]) == {}
        assert index.fetch_ids(["2401.00042"])["2401.00042"].arxiv_version == 2  # same updated date: kept


def test_harvest_keeps_arxivs_pace_and_honours_retry_after(
    corpus_index: Path, fake_server: FakeServer, tmp_path: Path
) -> None:
    fake_server.oai = Repository([{**SYNTHETIC, "id": f"2402.{i:05d}"} for i in range(6)], page_size=2)
    fake_server.faults.set(retry_after=1)
    fake_server.faults.push("503-retry-after", service="oai")
    update(
        settings_for(fake_server, tmp_path, corpus_index, arxiv_interval=0.3), from_date="2024-01-01", progress=False
    )
    log = fake_server.requests("oai")
    assert [r.status for r in log] == [503, 200, 200, 200]
    assert log[0].params == log[1].params  # the same request again
    assert log[1].time - log[0].time >= 1.0  # Retry-After
    assert all(b.time - a.time >= 0.3 for a, b in itertools.pairwise(log[1:]))  # arXiv's interval


def test_update_needs_the_network_and_a_date(corpus_index: Path, fake_server: FakeServer, tmp_path: Path) -> None:
    settings = settings_for(fake_server, tmp_path, corpus_index)
    with pytest.raises(ReadlistError, match="needs the network"):
        update(settings.replace(offline=True), progress=False)
    with pytest.raises(ReadlistError, match="YYYY-MM-DD"):
        update(settings, from_date="last week", progress=False)
    assert fake_server.requests() == []


class ForgetfulRepository(Repository):
    """A server whose every resumption token has expired by the time it is used."""

    def answer(self, params: dict[str, list[str]], base_url: str) -> bytes:
        if "resumptionToken" in params:
            self.expire_tokens()
        return super().answer(params, base_url)


def test_a_harvest_restarts_after_an_expired_token_but_not_forever(
    corpus_index: Path, fake_server: FakeServer, tmp_path: Path
) -> None:
    fake_server.oai = ForgetfulRepository([{**SYNTHETIC, "id": f"2402.{i:05d}"} for i in range(3)], page_size=2)
    with pytest.raises(OaiError, match="badResumptionToken"):
        update(settings_for(fake_server, tmp_path, corpus_index), from_date="2024-01-01", progress=False)
    log = [r.params for r in fake_server.requests("oai")]
    assert len(log) == 8 and [p.get("from") for p in log[::2]] == [["2024-01-01"]] * 4  # 3 new starts, then no more
