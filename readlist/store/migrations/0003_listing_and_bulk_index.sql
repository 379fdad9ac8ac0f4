-- Speed at 100k papers (docs/performance.md).

-- `readlist list` prints these columns in key order: the index answers it without reading the wide rows.
CREATE INDEX papers_listing ON papers (key, state, status, year, title);

-- FTS5 writes its pending index at every statement, so indexing papers one INSERT at a time cost most of an
-- import's SQL time. While a row is here, new papers are not indexed by the trigger: `Store.transaction(bulk=True)`
-- adds the row (the largest paper id so far), inserts, indexes the papers above that id with one statement and
-- deletes the row before it commits, so no other connection ever sees it.
CREATE TABLE fts_deferred (since_id INTEGER NOT NULL);
DROP TRIGGER papers_fts_insert;
CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers WHEN NOT EXISTS (SELECT 1 FROM fts_deferred) BEGIN
    INSERT INTO papers_fts (rowid, title, abstract, notes) VALUES (new.id, new.title, coalesce(new.abstract, ''), '');
END;
