"""The SQLite store on real files: identity, merging, migrations, persistence."""

from __future__ import annotations

import contextlib
import sqlite3
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from readlist.errors import ReadlistError
from readlist.model import Entry, Outcome, PartialDate, Record
from readlist.store import batch as store_batch
from readlist.store import maintenance as store_db
from readlist.store.library import Filters, Store


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "lib.sqlite")
    yield s
    s.close()


def add(store: Store, entry: Entry, outcome: Outcome | None = None) -> int:
    with store.transaction():
        return store.insert(entry, outcome)


def test_identity_by_arxiv_id_doi_then_normalized_title(store: Store) -> None:
    pid = add(store, Entry("a.txt", 1, title="Adapt-$\\infty$: Lifelong Tuning"))
    assert store.find_existing(Entry("b.txt", 9, title="adapt infty -- lifelong  tuning")) == pid
    assert store.find_existing(Entry("b.txt", 9, title="Adapt-infty: Lifelong Tuning, Revisited")) is None
    qid = add(store, Entry("c.txt", 1, arxiv_id="2402.15567"))
    assert store.find_existing(Entry("d.txt", 2, arxiv_id="2402.15567")) == qid
    did = add(store, Entry("c.txt", 2, doi="10.1000/abc"))
    assert store.find_existing(Entry("d.txt", 3, doi="10.1000/abc")) == did


def test_match_to_an_arxiv_id_already_stored_merges_and_keeps_user_data(store: Store) -> None:
    existing = add(store, Entry("ids.txt", 1, arxiv_id="2402.15567"))
    pending = add(store, Entry("page.txt", 5, title="Foundation Policies with Hilbert Representations"))
    with store.transaction():
        store.add_note(pending, "my note")
        store.add_tags(pending, ["rl"])
        store.set_state(pending, "read")
        store.add_tags(existing, ["later"])
    record = Record(
        "arxiv", "Foundation Policies with Hilbert Representations", ["Seohong Park", "Tobias Kreiman"],
        arxiv_id="2402.15567", published="2024-02-23",
    )  # fmt: skip
    with store.transaction():
        survivor = store.apply_outcome(pending, Outcome("matched", record, 0.97, {"title": 1.0}))
    assert survivor == existing
    assert store.count() == 1
    p = store.get(existing)
    assert p.status == "matched" and p.state == "read"
    assert p.tags == ["later", "rl"] and [n.text for n in p.notes] == ["my note"]
    assert sorted((s.file, s.line) for s in p.sources) == [("ids.txt", 1), ("page.txt", 5)]
    assert p.authors == ["Seohong Park", "Tobias Kreiman"] and p.year == 2024
    assert [q.key for q in store.papers(Filters(search="note"))] == [p.key]  # merged notes stay searchable


def test_a_provisional_key_follows_resolution_and_a_settled_key_never_moves(store: Store) -> None:
    pid = add(store, Entry("p.txt", 1, title="World Models"))
    assert store.get(pid).key == "worldmodels" and not store.get(pid).key_settled
    other = add(store, Entry("q.txt", 1, title="World Models: the Sequel"))
    assert store.get(other).key == "worldmodelsa"
    record = Record("arxiv", "World Models", ["David Ha", "Jürgen Schmidhuber"], arxiv_id="1803.10122",
                    published="2018-03-27")  # fmt: skip
    with store.transaction():
        store.apply_outcome(pid, Outcome("matched", record, 0.99))
    assert store.get(pid).key == "ha2018world"
    assert store.get(other).key == "worldmodels", "keys of one base go to the papers in the order they were added"
    with store.transaction():
        assert store.settle_keys(Filters()) == 2
        store.reject(pid)  # the paper shows its page again, but its key has left the library
    assert (store.get(pid).key, store.get(pid).title, store.get(pid).authors) == ("ha2018world", "World Models", [])
    assert store.get(pid).key_settled and store.get(other).key == "worldmodels"


def test_failed_transaction_changes_nothing(store: Store) -> None:
    add(store, Entry("p.txt", 1, title="Kept"))
    with pytest.raises(RuntimeError), store.transaction():
        store.insert(Entry("p.txt", 2, title="Lost"), None)
        raise RuntimeError("boom")
    assert [p.title for p in store.papers()] == ["Kept"]


def test_data_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite"
    s = Store(path)
    add(s, Entry("p.txt", 1, title="Persistent Paper"))
    s.close()
    s2 = Store(path)
    assert [p.title for p in s2.papers()] == ["Persistent Paper"]
    s2.close()


def test_migration_backs_up_first_and_a_failed_one_leaves_the_library_as_it_was(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "lib.sqlite"
    s = Store(path)
    add(s, Entry("p.txt", 1, title="Precious"))
    s.close()
    real = store_db._migrations()
    broken = (len(real) + 1, f"{len(real) + 1:04d}_broken.sql", "ALTER TABLE papers ADD COLUMN x TEXT;\nNOT SQL;\n")
    monkeypatch.setattr(store_db, "_migrations", lambda: [*real, broken])
    monkeypatch.setattr(store_db, "SCHEMA_VERSION", broken[0])
    with pytest.raises(ReadlistError, match=rf"migration {broken[1]} failed; the library is unchanged"):
        Store(path)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(real)
        assert "x" not in [r[1] for r in db.execute("PRAGMA table_info(papers)")]
        assert db.execute("SELECT title FROM papers").fetchall() == [("Precious",)]
    backup = path.with_name(f"lib.sqlite.v{len(real)}.bak")
    with sqlite3.connect(backup) as db:
        assert db.execute("SELECT title FROM papers").fetchall() == [("Precious",)]


def test_a_newer_library_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 999")
    with pytest.raises(ReadlistError, match="newer than this readlist"):
        Store(path)


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ReadlistError, match="not a readlist library"):
        Store(path)


def search(store: Store, words: str) -> list[str]:
    return [p.title for p in store.papers(Filters(search=words))]


def test_bulk_transaction_indexes_new_papers_at_the_end_and_a_failed_one_leaves_indexing_on(store: Store) -> None:
    with store.transaction(bulk=True):
        store.insert(Entry("a.bib", 1, title="Wombat burrows", abstract="On marsupials.", notes=["quokka"]), None)
        store.insert(Entry("a.bib", 2, title="Numbat diets"), None)
        store.add_note(store.lookup("1"), "echidna")
    assert search(store, "wombat") == search(store, "marsupials") == ["Wombat burrows"]
    assert search(store, "quokka") == search(store, "echidna") == ["Wombat burrows"]  # notes, whenever added
    assert search(store, "numbat") == ["Numbat diets"]
    with pytest.raises(RuntimeError), store.transaction(bulk=True):
        store.insert(Entry("a.bib", 3, title="Lost bilby"), None)
        raise RuntimeError("boom")
    add(store, Entry("p.txt", 1, title="Platypus eggs"))  # an ordinary insert is indexed by the trigger again
    assert search(store, "bilby") == [] and search(store, "platypus") == ["Platypus eggs"]
    assert store.conn.execute("SELECT count(*) FROM fts_deferred").fetchone()[0] == 0


def test_a_library_from_before_the_listing_index_is_migrated_and_stays_searchable(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite"
    listing = next(n for n, name, _ in store_db._migrations() if "listing" in name)
    db = sqlite3.connect(path, isolation_level=None)
    for number, _, sql in store_db._migrations():
        if number < listing:
            for statement in store_db._statements(sql):
                db.execute(statement)
    db.execute(f"PRAGMA user_version = {listing - 1}")
    db.execute(
        "INSERT INTO papers (key, title, title_norm, abstract, year, state, added_at, updated_at) "
        "VALUES ('old2020wombat', 'Wombat burrows', 'wombat burrows', 'On marsupials.', 2020, 'read', 'x', 'x')"
    )
    db.close()
    store = Store(path)
    try:
        assert [line.split(maxsplit=1)[1] for line in store.listing().splitlines()] == [
            "[x] old2020wombat                pending      2020  Wombat burrows"
        ]
        assert search(store, "marsupials") == ["Wombat burrows"]
        with store.transaction(bulk=True):
            store.insert(Entry("a.bib", 1, title="Numbat diets", key="new2021numbat"), None)
        assert search(store, "numbat") == ["Numbat diets"]
        unread = store.listing(Filters(state="unread"))
        assert unread.split("] ")[1].split()[0] == "new2021numbat" and "\n" not in unread
        with store.transaction():
            store.set_state(store.lookup("old2020wombat"), "reading")  # the line in the listing index follows
        assert "[~] old2020wombat" in store.listing(Filters(state="reading"))
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        store.close()


@pytest.mark.parametrize("version", [4, 5, 6])
def test_a_library_of_each_earlier_schema_opens_migrated_and_lists_as_a_new_one(tmp_path: Path, version: int) -> None:
    """The `list` line is code's (migration 0007 drops the generated column 0004 made): a library written by any
    earlier readlist lists exactly as a library made now, and follows changes."""
    old = tmp_path / "old.sqlite"
    db = sqlite3.connect(old, isolation_level=None)
    for number, _, sql in store_db._migrations():
        if number <= version:
            for statement in store_db._statements(sql):
                db.execute(statement)
    db.execute(f"PRAGMA user_version = {version}")
    rows = [("ha2018world", "World Models", 2018, "read"), ("vaswani2017attention", "Attention Ölçek", None, "reading")]
    db.executemany(
        "INSERT INTO papers (key, title, title_norm, year, state, added_at, updated_at) VALUES (?, ?, lower(?), ?, ?,"
        " 'x', 'x')",
        [(key, title, title, year, state) for key, title, year, state in rows],
    )
    db.close()
    new = Store(tmp_path / "new.sqlite")
    store = Store(old)
    try:
        with new.transaction():
            for key, title, year, state in rows:
                pid = new.insert(Entry("a.bib", 1, title=title, key=key, date=PartialDate(year) if year else None))
                new.set_state(pid, state)
        assert store.listing() == new.listing() and len(store.listing().splitlines()) == 2
        assert store.listing(Filters(state="reading")) == new.listing(Filters(state="reading"))
        columns = [r[1] for r in store.conn.execute("PRAGMA table_xinfo(papers)")]
        assert "listing_line" not in columns
        indexed = [r[2] for r in store.conn.execute("PRAGMA index_info(papers_listing)")]
        assert indexed == ["key", "state", "status", "year", "title"]
        with store.transaction():
            store.set_state(store.lookup("ha2018world"), "unread")
        assert "[ ] ha2018world" in store.listing(Filters(state="unread"))
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert tmp_path.joinpath(f"old.sqlite.v{version}.bak").is_file()
    finally:
        store.close()
        new.close()


def test_an_import_attaches_duplicates_of_the_library_and_of_earlier_entries_and_suffixes_keys(store: Store) -> None:
    lib = add(store, Entry("lib.bib", 1, title="World Models", key="ha2018world", tags=["old"], notes=["kept"]))
    he = ["Kaiming He"]
    entries = [
        Entry("a.bib", 1, title="Attention Is All You Need", arxiv_id="1706.03762", key="vaswani2017attention"),
        Entry("a.bib", 2, title="world models!", key="other", tags=["rl"], notes=["kept", "new"], state="read"),
        Entry("a.bib", 3, title="Attention, revised", arxiv_id="1706.03762", tags=["nlp"]),  # line 1's arXiv id
        Entry("a.bib", 4, title="attention revised"),  # the title line 3 gave line 1's paper
        Entry("a.bib", 5, title="Deep Residual Learning", authors=he, date=PartialDate(2016)),
        Entry("a.bib", 6, title="Deep Residual Learning, Again", authors=he, date=PartialDate(2016)),
        Entry("a.bib", 7, title="Deep residual nets", authors=he, date=PartialDate(2016), key="ha2018world"),
        Entry("a.bib", 8, doi="10.1000/xyz"),
        Entry("a.bib", 8, doi="10.1000/xyz", notes=["again"]),  # the same file and line: no second source
        Entry("a.bib", 9, title="2402.15567"),
        Entry("a.bib", 10, arxiv_id="2402.15567"),  # a new paper, titled by its id as line 9's paper is
        Entry("a.bib", 11, title="2402.15567"),  # the first paper with that title
        Entry("a.bib", 12, title="Shared alias", arxiv_id="1706.03762"),
        Entry("a.bib", 13, title="Shared alias", doi="10.1000/xyz"),
        Entry("a.bib", 14, title="shared alias"),  # the paper of the first source with that title
    ]
    with store.transaction(bulk=True):
        stored = store.add_entries(entries, Outcome("pending", reason="not resolved yet"))
    ids = [pid for pid, _ in stored]
    assert [how for _, how in stored] == [
        "new", "new", "repeat", "repeat", *["new"] * 4, "repeat", "new", "new", *["repeat"] * 4
    ]  # fmt: skip
    assert [pid - lib for pid in ids] == [1, 2, 1, 1, 3, 4, 5, 6, 6, 7, 8, 7, 1, 6, 1]
    # a provisional key follows what the paper shows: line 8's paper got its title from line 13
    assert [store.get(pid).key for pid in ids[4:8]] == ["he2016deep", "he2016deepa", "he2016deepb", "sharedalias"]
    old = store.get(lib)
    assert old.key == "ha2018world" and old.tags == ["old"] and old.state == "unread"
    assert [n.text for n in old.notes] == ["kept"]
    # line 2 has its own .bib key, and the library's "World Models" another: never merged without the user's word
    other = store.get(ids[1])
    assert other.key == "other" and other.tags == ["rl"] and other.state == "read"
    assert [(d.other_id, d.other_key) for d in other.duplicates] == [(lib, "ha2018world")]
    assert [(d.other_id, d.reason) for d in old.duplicates] == [
        (other.id, "same title, both have their own citation keys (ha2018world, other)")
    ]
    attention = store.get(ids[0])
    assert attention.key == "vaswani2017attention" and attention.tags == ["nlp"]
    assert [s.line for s in attention.sources] == [1, 3, 4, 12, 14] and attention.status == "pending"
    by_doi = store.get(ids[7])
    assert [n.text for n in by_doi.notes] == ["again"] and [s.line for s in by_doi.sources] == [8, 13]
    assert len(search(store, "residual")) == 3  # new papers are searchable


_TITLES = [
    "World Models",
    "world models!",
    "Attention Is All You Need",
    "Ölçek Über Alles",
    "olcek uber alles",
    "2402.15567",
]


@st.composite
def _entries(draw: st.DrawFn) -> Entry:
    """Small entries that often name the same paper (by arXiv id, DOI, title or a source's title) or key."""
    pick = lambda values: draw(st.sampled_from(values))  # noqa: E731
    return Entry(
        pick(["a.bib", "b.bib"]), draw(st.integers(1, 4)),
        title=pick([*_TITLES, None, f"Unique {draw(st.integers(0, 10**6))}"]),
        authors=draw(st.lists(st.sampled_from(["David Ha", "Kaiming He", "de la Cruz, Ana"]), max_size=2)),
        date=pick([None, PartialDate(2018), PartialDate(2019, 3)]),
        arxiv_id=pick([None, None, "1706.03762", "2402.15567"]), doi=pick([None, None, "10.1000/abc"]),
        key=pick([None, "ha2018world", "world", "worlda", "k"]), entry_type=pick([None, "misc", "article"]),
        fields=pick([{}, {"url": "https://x.org", "month": "mar"}]),
        notes=draw(st.lists(st.sampled_from(["good", "proofs"]), max_size=2)),
        tags=draw(st.lists(st.sampled_from(["rl", "nlp", ""]), max_size=2)),
        state=pick([None, "unread", "reading", "read"]),
    )  # fmt: skip


def _contents(store: Store) -> list[object]:
    """Everything stored but the times."""
    tables = {
        "papers": "id, key, title, title_norm, abstract, year, date, arxiv_id, doi, entry_type, url, fields, status, "
        "evidence, state, state_changed_at IS NULL",
        "authors": "*", "notes": "id, paper_id, text", "tags": "*", "sources": "id, paper_id, file, line, title, "
        "title_norm", "state_changes": "id, paper_id, state", "papers_fts": "rowid, title, abstract, notes",
    }  # fmt: skip
    return [
        [tuple(r) for r in store.conn.execute(f"SELECT {cols} FROM {t} ORDER BY 1, 2")] for t, cols in tables.items()
    ]


@settings(max_examples=40, deadline=None)
@given(st.lists(_entries(), max_size=6), st.lists(_entries(), min_size=1, max_size=14), st.booleans())
@example(  # a .bib key equal to the provisional key the paper has (one by one) or will have (batched): it settles
    [],
    [
        Entry("a.bib", 2, title="World Models"),
        Entry("a.bib", 1, title="World Models", authors=["David Ha"], date=PartialDate(2018)),
        Entry("a.bib", 1, title="World Models", key="ha2018world"),
        Entry("a.bib", 1, title="World Models", key="world"),
    ],
    False,
)
@example(  # a paper known by its id first is found by the title it shows now, no longer by the id it showed
    [],
    [
        Entry("a.bib", 1, title="World Models"),
        Entry("a.bib", 2, arxiv_id="2402.15567"),
        Entry("a.bib", 1, title="World Models", arxiv_id="2402.15567"),
        Entry("a.bib", 1, title="2402.15567"),
    ],
    False,
)
def test_an_import_stores_what_storing_its_entries_one_by_one_stores(
    library: list[Entry], entries: list[Entry], staged: bool
) -> None:
    outcome = Outcome("pending", reason="not resolved yet")
    with (
        tempfile.TemporaryDirectory() as tmp,
        mock.patch.multiple(store_batch, _STAGED=1, _STAGED_CHUNK=2) if staged else contextlib.nullcontext(),
    ):
        one_by_one, batched = Store(Path(tmp) / "one.sqlite"), Store(Path(tmp) / "batch.sqlite")
        try:
            for s in (one_by_one, batched):
                with s.transaction():
                    s.add_entries(library, outcome)
                    if library:  # the next new paper takes the freed id, as SQLite gives it
                        s.delete(s.conn.execute("SELECT max(id) FROM papers").fetchone()[0])
            with one_by_one.transaction(bulk=True):
                for entry in entries:
                    pid = one_by_one.find_existing(entry)
                    if pid is None:
                        one_by_one.insert(entry, outcome)
                    else:
                        one_by_one.attach(pid, entry)
            with batched.transaction(bulk=True):
                batched.add_entries(entries, outcome)
            assert _contents(batched) == _contents(one_by_one)
        finally:
            one_by_one.close()
            batched.close()


def test_a_paper_shows_its_sources_by_precedence_whatever_order_they_came_in(tmp_path: Path) -> None:
    """record > .bib > page, field by field: a new source fills what is empty; the order sources arrive in does not
    change what the paper shows; rejecting the match shows the sources' values again."""
    page = Entry("page.txt", 3, title="Foundation policies with Hilbert representations", abstract="Page words.",
                 author_count=3, date=PartialDate(None, 2, 26))  # fmt: skip
    bib = Entry("refs.bib", 1, title="Foundation Policies with {H}ilbert Representations", authors=["Park, Seohong"],
                date=PartialDate(2024), key="park2024hilp", entry_type="inproceedings", venue="ICML",
                fields={"pages": "1--20", "note2": "x"})  # fmt: skip
    shown = []
    for name, order in (("ab", [page, bib]), ("ba", [bib, page])):
        s = Store(tmp_path / f"{name}.sqlite")
        try:
            with s.transaction():
                s.add_entries(order)
            (paper,) = s.papers()
            shown.append((paper.title, paper.abstract, paper.authors, paper.year, paper.venue, paper.pages,
                           paper.entry_type, paper.key, paper.key_settled, paper.fields))  # fmt: skip
        finally:
            s.close()
    assert shown[0] == shown[1] == (
        bib.title, "Page words.", ["Park, Seohong"], 2024, "ICML", "1--20", "inproceedings", "park2024hilp", True,
        {"note2": "x"},
    )  # fmt: skip

    s = Store(tmp_path / "ab.sqlite")
    try:
        record = Record("arxiv", "Foundation Policies with Hilbert Representations", ["Seohong Park", "Tobias Kreiman"],
                        abstract="arXiv words.", arxiv_id="2402.15567", published="2024-02-23")  # fmt: skip
        (pid,) = [p.id for p in s.papers()]
        with s.transaction():
            s.apply_outcome(pid, Outcome("matched", record, 0.99))
        p = s.get(pid)
        assert (p.title, p.abstract, p.authors, p.arxiv_id, p.venue, p.pages) == (
            record.title, "arXiv words.", record.authors, "2402.15567", "ICML", "1--20"
        )  # fmt: skip
        assert p.key == "park2024hilp", "a .bib key is the user's: resolution never changes it"
        assert [(w, [f for f, _, _ in fs]) for w, fs in s.disagreements(pid)] == [("refs.bib:1", ["authors"])]
        with s.transaction():
            s.reject(pid)
        p = s.get(pid)
        assert (p.title, p.authors, p.arxiv_id, p.status) == (bib.title, ["Park, Seohong"], None, "unresolved")
        assert [c.record.arxiv_id for c in p.candidates] == ["2402.15567"], "the match stays a candidate"
    finally:
        s.close()


def test_a_library_of_schema_4_keeps_every_paper_and_its_values_as_its_first_source(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite"
    db = sqlite3.connect(path, isolation_level=None)
    for number, _, sql in store_db._migrations():
        if number < 5:
            for statement in store_db._statements(sql):
                db.execute(statement)
    db.execute("PRAGMA user_version = 4")
    db.execute("PRAGMA foreign_keys = ON")
    for pid, key, title, arxiv, status in (
        (1, "ha2018world", "World Models", None, "pending"),
        (2, "learning", "Learning", "2402.15567", "matched"),
    ):
        db.execute(
            "INSERT INTO papers (id, key, title, title_norm, arxiv_id, year, date, status, added_at, updated_at, "
            "primary_class, s2_id, venue, entry_type, author_count) VALUES (?, ?, ?, lower(?), ?, 2018, '2018-03', ?, "
            "'x', 'x', ?, ?, ?, ?, 1)",
            (
                pid,
                key,
                title,
                title,
                arxiv,
                status,
                *(("cs.LG", "abc", "ICML", "inproceedings") if arxiv else [None] * 4),
            ),
        )
        db.execute("INSERT INTO authors (paper_id, position, name) VALUES (?, 0, 'David Ha')", (pid,))
        db.execute("INSERT INTO notes (paper_id, text, created_at) VALUES (?, 'kept', 'x')", (pid,))
    db.execute("INSERT INTO sources (paper_id, file, line, added_at) VALUES (1, 'refs.bib', 1, 'x')")
    db.execute("INSERT INTO sources (paper_id, file, line, added_at) VALUES (2, 'page.txt', 4, 'x')")
    db.close()
    store = Store(path)
    try:
        world, learning = store.get(1), store.get(2)
        assert (world.key, world.key_settled, world.authors, [n.text for n in world.notes]) == (
            "ha2018world", True, ["David Ha"], ["kept"]
        )  # fmt: skip
        assert (learning.key, learning.key_settled, learning.arxiv_id) == ("learning", False, "2402.15567")
        with store.transaction():
            assert not store.recompose(1), "the first source says what the paper showed"
            assert not store.recompose(2), "a matched paper's values are its record"
            store.attach(2, Entry("more.txt", 1, title="Learning", abstract="Filled in."))
        learning = store.get(2)
        assert (learning.abstract, learning.primary_class, learning.venue, learning.entry_type) == (
            "Filled in.", "cs.LG", "ICML", "inproceedings"
        )  # fmt: skip
        with store.transaction():
            store.rekey([2])  # a provisional key is made again from what the paper shows
        assert store.get(2).key == "ha2018learning"
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        store.close()
