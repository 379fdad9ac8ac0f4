-- .bib fidelity (docs/exports.md, "Importing .bib files").

-- The imported .bib entry, as written: {"type": ..., "fields": [[name, raw value], [name, raw value, expression],
-- ...]} in the file's order (readlist.model.BibRecord). NULL for a paper that no .bib entry brought.
ALTER TABLE papers ADD COLUMN bib TEXT;

-- 1 for a paper tied to another by `crossref` (it has one, or another's names it): exports write these after all
-- others, in the order they were imported, which keeps a cross-referenced entry after the entries that name it,
-- as BibTeX needs.
ALTER TABLE papers ADD COLUMN in_crossref INTEGER NOT NULL DEFAULT 0;

-- An author's name parts as the source split them ("first<US>von<US>last<US>jr", decoded text, <US> the unit
-- separator U+001F); NULL when the source
-- gave only a display name (arXiv, pages), which readlist then splits by BibTeX's rules.
ALTER TABLE authors ADD COLUMN parts TEXT;

-- The keys of papers merged into another at the user's word (`readlist merge`): each still finds the paper
-- (`show OLDKEY`, `export --aux`) and exports write it (biblatex `ids`). A key is never both a paper's and an alias.
CREATE TABLE key_aliases (
    key      TEXT PRIMARY KEY,
    paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX key_aliases_paper ON key_aliases (paper_id);
CREATE TRIGGER export_cache_aliases_insert AFTER INSERT ON key_aliases BEGIN
    DELETE FROM export_cache WHERE paper_id = new.paper_id;
END;
CREATE TRIGGER export_cache_aliases_delete AFTER DELETE ON key_aliases BEGIN
    DELETE FROM export_cache WHERE paper_id = old.paper_id;
END;

-- Papers that may be the same paper but were kept apart because each carries its own citation key
-- (`readlist list --status duplicate`); one row per direction.
CREATE TABLE possible_duplicates (
    paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    other_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    PRIMARY KEY (paper_id, other_id)
) WITHOUT ROWID;
CREATE INDEX possible_duplicates_other ON possible_duplicates (other_id);

-- @preamble blocks of imported .bib files, written at the top of BibTeX and biblatex exports (once each).
CREATE TABLE preambles (
    id       INTEGER PRIMARY KEY,
    text     TEXT NOT NULL UNIQUE,
    file     TEXT NOT NULL,
    added_at TEXT NOT NULL
);
