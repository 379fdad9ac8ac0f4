-- What each input said, identity, and keys that settle (docs/user-guide.md "One paper, many sources", "Keys").
--
-- papers is rebuilt (SQLite cannot drop a UNIQUE constraint in place; foreign keys are off while migrating):
-- * arxiv_id and doi are no longer UNIQUE. Two .bib entries with their own, different citation keys are never
--   merged automatically, even for one arXiv id: both are kept and flagged as possible duplicates.
-- * key_origin says whether the key may still change: 'provisional' (readlist's: made again from the paper's
--   authors and year as it is resolved), or settled: 'export' (it left the library), 'user' (`readlist key`),
--   'bib' (an imported .bib entry's). key_base is a provisional key before its clash suffix (a, b, ...).
-- * record holds the resolved arXiv/Semantic Scholar record (JSON) of a matched paper.
CREATE TABLE papers_new (
    id               INTEGER PRIMARY KEY,
    key              TEXT NOT NULL UNIQUE,
    title            TEXT NOT NULL,
    title_norm       TEXT NOT NULL,
    abstract         TEXT,
    year             INTEGER,
    date             TEXT,
    arxiv_id         TEXT,
    arxiv_version    INTEGER,
    primary_class    TEXT,
    doi              TEXT,
    s2_id            TEXT,
    entry_type       TEXT,
    venue            TEXT,
    journal          TEXT,
    volume           TEXT,
    pages            TEXT,
    url              TEXT,
    author_count     INTEGER,
    status           TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'matched', 'needs-review', 'unresolved')),
    evidence         TEXT NOT NULL DEFAULT '{}',
    state            TEXT NOT NULL DEFAULT 'unread' CHECK (state IN ('unread', 'reading', 'read')),
    state_changed_at TEXT,
    added_at         TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    fields           TEXT NOT NULL DEFAULT '{}',
    key_origin       TEXT NOT NULL DEFAULT 'provisional' CHECK (key_origin IN ('provisional', 'export', 'user', 'bib')),
    key_base         TEXT,
    record           TEXT,
    listing_line     TEXT GENERATED ALWAYS AS (
        printf(
            '%5d [%s] %!-28s %-12s %-4s  %s',
            id, CASE state WHEN 'read' THEN 'x' WHEN 'reading' THEN '~' ELSE ' ' END, key, status, coalesce(year, ''),
            title
        )
    ) VIRTUAL
);

-- Keys of libraries made before: a paper from a .bib file keeps its key as the user's; one whose entry was exported
-- has settled; any other is provisional (made again when the paper is resolved, until it is exported).
INSERT INTO papers_new (
    id, key, title, title_norm, abstract, year, date, arxiv_id, arxiv_version, primary_class, doi, s2_id, entry_type,
    venue, journal, volume, pages, url, author_count, status, evidence, state, state_changed_at, added_at, updated_at,
    fields, key_origin, key_base
)
SELECT
    id, key, title, title_norm, abstract, year, date, arxiv_id, arxiv_version, primary_class, doi, s2_id, entry_type,
    venue, journal, volume, pages, url, author_count, status, evidence, state, state_changed_at, added_at, updated_at,
    fields,
    CASE
        WHEN EXISTS (SELECT 1 FROM sources s WHERE s.paper_id = p.id AND lower(s.file) LIKE '%.bib') THEN 'bib'
        WHEN EXISTS (SELECT 1 FROM export_cache c WHERE c.paper_id = p.id) THEN 'export'
        ELSE 'provisional'
    END,
    key
FROM papers p;

DROP TABLE papers;
ALTER TABLE papers_new RENAME TO papers;

CREATE INDEX papers_title_norm ON papers (title_norm);
CREATE INDEX papers_status ON papers (status);
CREATE INDEX papers_state ON papers (state);
CREATE INDEX papers_arxiv_id ON papers (arxiv_id);
CREATE INDEX papers_doi ON papers (doi);
CREATE INDEX papers_key_base ON papers (key_base) WHERE key_origin = 'provisional';
CREATE INDEX papers_listing ON papers (key, state, status, listing_line);

CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers WHEN NOT EXISTS (SELECT 1 FROM fts_deferred) BEGIN
    INSERT INTO papers_fts (rowid, title, abstract, notes) VALUES (new.id, new.title, coalesce(new.abstract, ''), '');
END;
CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, abstract ON papers BEGIN
    UPDATE papers_fts SET title = new.title, abstract = coalesce(new.abstract, '') WHERE rowid = new.id;
END;
CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers BEGIN
    DELETE FROM papers_fts WHERE rowid = old.id;
END;
CREATE TRIGGER export_cache_papers_insert AFTER INSERT ON papers BEGIN
    DELETE FROM export_cache WHERE paper_id = new.id;
END;
CREATE TRIGGER export_cache_papers_update AFTER UPDATE ON papers BEGIN
    DELETE FROM export_cache WHERE paper_id IN (old.id, new.id);
END;
CREATE TRIGGER export_cache_papers_delete AFTER DELETE ON papers BEGIN
    DELETE FROM export_cache WHERE paper_id = old.id;
END;

-- A matched paper of a library made before shows its record's values: they become its record.
UPDATE papers SET record = json_object(
    'source', 'arxiv', 'title', title,
    'authors', (SELECT json_group_array(name) FROM (SELECT name FROM authors WHERE paper_id = papers.id ORDER BY position)),
    'abstract', abstract, 'arxiv_id', arxiv_id, 'arxiv_version', arxiv_version, 'published', date, 'updated', NULL,
    'year', year, 'primary_class', primary_class, 'doi', doi, 's2_id', s2_id, 'venue', venue, 'journal', journal,
    'volume', volume, 'pages', pages,
    'publication_types', json(CASE entry_type WHEN 'inproceedings' THEN '["Conference"]'
                                              WHEN 'article' THEN '["JournalArticle"]' ELSE '[]' END),
    'url', url
)
WHERE status = 'matched';

-- What each input said about the paper (JSON: kind page/id/bib, title, abstract, authors, date, identifiers,
-- venue, type, key, fields): the paper shows, field by field, the first value in the order user > resolved record
-- > .bib > page (readlist/store/layers.py). A library made before kept only the paper's values: they become the
-- first source's.
ALTER TABLE sources ADD COLUMN entry TEXT;
UPDATE sources SET entry = (
    SELECT json_object(
        'kind', CASE WHEN lower(sources.file) LIKE '%.bib' THEN 'bib'
                     WHEN p.title IN (p.arxiv_id, p.doi) THEN 'id' ELSE 'page' END,
        'title', CASE WHEN p.title IN (p.arxiv_id, p.doi) THEN NULL ELSE p.title END,
        'abstract', p.abstract,
        'authors', (SELECT json_group_array(name) FROM (SELECT name FROM authors WHERE paper_id = p.id ORDER BY position)),
        'author_count', p.author_count, 'date', coalesce(p.date, CAST(p.year AS TEXT)), 'arxiv_id', p.arxiv_id,
        'doi', p.doi, 'venue', coalesce(p.venue, p.journal), 'entry_type', p.entry_type,
        'fields', json_patch(p.fields, json_object('url', p.url, 'volume', p.volume, 'pages', p.pages))
    )
    FROM papers p WHERE p.id = sources.paper_id
)
WHERE id IN (SELECT min(id) FROM sources GROUP BY paper_id);

-- Papers that might be one paper, each with why readlist did not merge them (both directions are stored).
CREATE TABLE possible_duplicates (
    paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    other_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    reason   TEXT NOT NULL,
    PRIMARY KEY (paper_id, other_id)
) WITHOUT ROWID;
CREATE INDEX possible_duplicates_other ON possible_duplicates (other_id);

-- Other citation keys that name a paper (`show KEY`, `export --aux`): a .bib entry's key for a paper whose key had
-- already settled, the settled key of a paper merged into it (`readlist merge`, or a resolution), and the aliases a
-- readlist export wrote (biblatex `ids`, BibTeX `readlist-alias-of`) read back by an import. A key is never both a
-- paper's own key and an alias.
CREATE TABLE key_aliases (
    key      TEXT PRIMARY KEY,
    paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX key_aliases_paper ON key_aliases (paper_id);
