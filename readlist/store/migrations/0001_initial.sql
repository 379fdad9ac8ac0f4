-- readlist library schema, version 1.
CREATE TABLE papers (
    id               INTEGER PRIMARY KEY,
    key              TEXT NOT NULL UNIQUE,
    title            TEXT NOT NULL,
    title_norm       TEXT NOT NULL,
    abstract         TEXT,
    year             INTEGER,
    date             TEXT,
    arxiv_id         TEXT UNIQUE,
    arxiv_version    INTEGER,
    primary_class    TEXT,
    doi              TEXT UNIQUE,
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
    fields           TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX papers_title_norm ON papers (title_norm);
CREATE INDEX papers_status ON papers (status);
CREATE INDEX papers_state ON papers (state);

CREATE TABLE authors (
    paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name     TEXT NOT NULL,
    PRIMARY KEY (paper_id, position)
) WITHOUT ROWID;

CREATE TABLE notes (
    id         INTEGER PRIMARY KEY,
    paper_id   INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    text       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX notes_paper ON notes (paper_id);

CREATE TABLE tags (
    paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    tag      TEXT NOT NULL,
    PRIMARY KEY (paper_id, tag)
) WITHOUT ROWID;
CREATE INDEX tags_tag ON tags (tag);

CREATE TABLE sources (
    id         INTEGER PRIMARY KEY,
    paper_id   INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    file       TEXT NOT NULL,
    line       INTEGER,
    title      TEXT,
    title_norm TEXT,
    added_at   TEXT NOT NULL,
    UNIQUE (paper_id, file, line)
);
CREATE INDEX sources_paper ON sources (paper_id);
CREATE INDEX sources_title_norm ON sources (title_norm);

CREATE TABLE state_changes (
    id         INTEGER PRIMARY KEY,
    paper_id   INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    state      TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
CREATE INDEX state_changes_paper ON state_changes (paper_id);

-- top candidates kept for a paper that needs review
CREATE TABLE candidates (
    paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    rank     INTEGER NOT NULL,
    score    REAL NOT NULL,
    record   TEXT NOT NULL,
    evidence TEXT NOT NULL,
    PRIMARY KEY (paper_id, rank)
) WITHOUT ROWID;

-- full-text search over title, abstract and notes
CREATE VIRTUAL TABLE papers_fts USING fts5 (title, abstract, notes, tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers BEGIN
    INSERT INTO papers_fts (rowid, title, abstract, notes) VALUES (new.id, new.title, coalesce(new.abstract, ''), '');
END;
CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, abstract ON papers BEGIN
    UPDATE papers_fts SET title = new.title, abstract = coalesce(new.abstract, '') WHERE rowid = new.id;
END;
CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers BEGIN
    DELETE FROM papers_fts WHERE rowid = old.id;
END;
CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN
    UPDATE papers_fts SET notes = (SELECT group_concat(text, ' ') FROM notes WHERE paper_id = new.paper_id)
    WHERE rowid = new.paper_id;
END;
CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN
    UPDATE papers_fts SET notes = coalesce((SELECT group_concat(text, ' ') FROM notes WHERE paper_id = old.paper_id), '')
    WHERE rowid = old.paper_id;
END;
