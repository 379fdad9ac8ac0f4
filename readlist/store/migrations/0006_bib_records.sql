-- .bib fidelity (docs/exports.md, "Importing .bib files").

-- The imported .bib entry the paper carries, as written: {"type": ..., "fields": [[name, raw value], [name, raw
-- value, expression], ...]} in the file's order (readlist.model.BibRecord). Exports write it back as written,
-- resolved metadata filling only the fields it lacks (docs/user-guide.md, "One paper, many sources"). NULL for a
-- paper that no .bib entry brought (and for one imported before this migration: its values are its first source's).
ALTER TABLE papers ADD COLUMN bib TEXT;

-- 1 for a paper tied to another by `crossref` (it has one, or another's names it): exports write these after all
-- others, in the order they were imported, which keeps a cross-referenced entry after the entries that name it,
-- as BibTeX needs.
ALTER TABLE papers ADD COLUMN in_crossref INTEGER NOT NULL DEFAULT 0;

-- An author's name parts as the source split them ("first<US>von<US>last<US>jr", decoded text, <US> the unit
-- separator U+001F); NULL when the source gave only a display name (arXiv, pages), which readlist then splits by
-- BibTeX's rules.
ALTER TABLE authors ADD COLUMN parts TEXT;

-- Exports write a paper's other keys (key_aliases, migration 0005: biblatex `ids`, CSL-JSON readlist-aliases):
-- a stored export text is stale when they change.
CREATE TRIGGER export_cache_aliases_insert AFTER INSERT ON key_aliases BEGIN
    DELETE FROM export_cache WHERE paper_id = new.paper_id;
END;
CREATE TRIGGER export_cache_aliases_delete AFTER DELETE ON key_aliases BEGIN
    DELETE FROM export_cache WHERE paper_id = old.paper_id;
END;
CREATE TRIGGER export_cache_aliases_update AFTER UPDATE ON key_aliases BEGIN
    DELETE FROM export_cache WHERE paper_id IN (old.paper_id, new.paper_id);
END;

-- @preamble blocks of imported .bib files, written at the top of BibTeX and biblatex exports (once each).
CREATE TABLE preambles (
    id       INTEGER PRIMARY KEY,
    text     TEXT NOT NULL UNIQUE,
    file     TEXT NOT NULL,
    added_at TEXT NOT NULL
);
