-- docket schema v1: documents, their sections and paragraphs, full-text search over paragraphs.
CREATE TABLE documents (
    id               TEXT PRIMARY KEY,          -- sha256(stored text)[:16]
    source_path      TEXT NOT NULL UNIQUE,      -- absolute path the document was read from
    file_name        TEXT NOT NULL,
    format           TEXT NOT NULL,
    sha256           TEXT NOT NULL,             -- of the raw file bytes
    size             INTEGER NOT NULL,
    encoding         TEXT,
    pages            INTEGER,
    publisher        TEXT,
    country          TEXT,
    period           INTEGER,
    title            TEXT,
    metadata_sources TEXT NOT NULL DEFAULT '{}', -- JSON: field -> inferred|manifest|sidecar|flag
    notes            TEXT NOT NULL DEFAULT '[]', -- JSON list of reader notes
    text             TEXT NOT NULL,
    ingested_at      TEXT NOT NULL
);
CREATE INDEX documents_facets ON documents(publisher, country, period);

CREATE TABLE sections (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    ordinal     INTEGER NOT NULL,
    heading     TEXT NOT NULL,
    level       INTEGER NOT NULL,
    path        TEXT NOT NULL,                  -- JSON list: heading path from the top
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    PRIMARY KEY (document_id, ordinal)
);

CREATE TABLE paragraphs (
    id          INTEGER PRIMARY KEY,            -- rowid, shared with the FTS index
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    ordinal     INTEGER NOT NULL,
    section     INTEGER,                        -- sections.ordinal, NULL before the first heading
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    page        INTEGER,
    text        TEXT NOT NULL,                  -- exactly documents.text[start:end]
    UNIQUE (document_id, ordinal)
);

CREATE VIRTUAL TABLE paragraphs_fts USING fts5(
    text, content='paragraphs', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER paragraphs_ai AFTER INSERT ON paragraphs BEGIN
    INSERT INTO paragraphs_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER paragraphs_ad AFTER DELETE ON paragraphs BEGIN
    INSERT INTO paragraphs_fts(paragraphs_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
