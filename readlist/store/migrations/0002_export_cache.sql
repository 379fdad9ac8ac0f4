-- Each paper's rendered export text (UTF-8) per format, so that an export streams stored text
-- (docs/performance.md). A row holds the text rendered with one `variant` (the options and the code that
-- rendered it); an export uses a row only when the variant is its own. Any change to what an exporter reads
-- about a paper (its row, authors, tags, notes) deletes the paper's rows in the same transaction, so no row is
-- ever stale. One row per paper and format (Store._store_texts replaces it); the key holds `variant` so that
-- finding the papers without a current text reads the index alone.
CREATE TABLE export_cache (
    paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    format   TEXT NOT NULL,
    variant  TEXT NOT NULL,
    text     BLOB NOT NULL,
    PRIMARY KEY (paper_id, format, variant)
);

-- INSERT too: a new paper may reuse the id of a deleted one
CREATE TRIGGER export_cache_papers_insert AFTER INSERT ON papers BEGIN
    DELETE FROM export_cache WHERE paper_id = new.id;
END;
CREATE TRIGGER export_cache_papers_update AFTER UPDATE ON papers BEGIN
    DELETE FROM export_cache WHERE paper_id IN (old.id, new.id);
END;
CREATE TRIGGER export_cache_papers_delete AFTER DELETE ON papers BEGIN
    DELETE FROM export_cache WHERE paper_id = old.id;
END;
CREATE TRIGGER export_cache_authors_insert AFTER INSERT ON authors BEGIN
    DELETE FROM export_cache WHERE paper_id = new.paper_id;
END;
CREATE TRIGGER export_cache_authors_update AFTER UPDATE ON authors BEGIN
    DELETE FROM export_cache WHERE paper_id IN (old.paper_id, new.paper_id);
END;
CREATE TRIGGER export_cache_authors_delete AFTER DELETE ON authors BEGIN
    DELETE FROM export_cache WHERE paper_id = old.paper_id;
END;
CREATE TRIGGER export_cache_tags_insert AFTER INSERT ON tags BEGIN
    DELETE FROM export_cache WHERE paper_id = new.paper_id;
END;
CREATE TRIGGER export_cache_tags_update AFTER UPDATE ON tags BEGIN
    DELETE FROM export_cache WHERE paper_id IN (old.paper_id, new.paper_id);
END;
CREATE TRIGGER export_cache_tags_delete AFTER DELETE ON tags BEGIN
    DELETE FROM export_cache WHERE paper_id = old.paper_id;
END;
CREATE TRIGGER export_cache_notes_insert AFTER INSERT ON notes BEGIN
    DELETE FROM export_cache WHERE paper_id = new.paper_id;
END;
CREATE TRIGGER export_cache_notes_update AFTER UPDATE ON notes BEGIN
    DELETE FROM export_cache WHERE paper_id IN (old.paper_id, new.paper_id);
END;
CREATE TRIGGER export_cache_notes_delete AFTER DELETE ON notes BEGIN
    DELETE FROM export_cache WHERE paper_id = old.paper_id;
END;
