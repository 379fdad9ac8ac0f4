"""The SQLite store on real files: identity, merging, migrations, persistence."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from readlist.errors import ReadlistError
from readlist.model import Entry, Outcome, Record
from readlist.store import Filters, Store
from readlist.store import db as store_db


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


def test_key_is_assigned_once_and_survives_resolution(store: Store) -> None:
    pid = add(store, Entry("p.txt", 1, title="World Models"))
    key = store.get(pid).key
    assert key == "world"
    record = Record("arxiv", "World Models", ["David Ha", "Jürgen Schmidhuber"], arxiv_id="1803.10122",
                    published="2018-03-27")  # fmt: skip
    with store.transaction():
        store.apply_outcome(pid, Outcome("matched", record, 0.99))
    assert store.get(pid).key == key
    other = add(store, Entry("q.txt", 1, title="World Models, again"))
    assert store.get(other).key == "worlda"


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
        assert [row[1:] for row in store.listing()] == [("old2020wombat", "read", "pending", 2020, "Wombat burrows")]
        assert search(store, "marsupials") == ["Wombat burrows"]
        with store.transaction(bulk=True):
            store.insert(Entry("a.bib", 1, title="Numbat diets", key="new2021numbat"), None)
        assert search(store, "numbat") == ["Numbat diets"]
        assert [row[1] for row in store.listing(Filters(state="unread"))] == ["new2021numbat"]
    finally:
        store.close()
