-- docket schema v1 (PostgreSQL): documents, sections, paragraphs, full-text search over paragraphs.
-- Same tables and columns as the SQLite schema; search uses a tsvector column with a GIN index.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE FUNCTION docket_fold(t text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, t)) $$;

CREATE TABLE documents (
    id               TEXT PRIMARY KEY,
    source_path      TEXT NOT NULL UNIQUE,
    file_name        TEXT NOT NULL,
    format           TEXT NOT NULL,
    sha256           TEXT NOT NULL,
    size             BIGINT NOT NULL,
    encoding         TEXT,
    pages            INTEGER,
    publisher        TEXT,
    country          TEXT,
    period           INTEGER,
    title            TEXT,
    metadata_sources TEXT NOT NULL DEFAULT '{}',
    notes            TEXT NOT NULL DEFAULT '[]',
    text             TEXT NOT NULL,
    ingested_at      TEXT NOT NULL
);
CREATE INDEX documents_facets ON documents(publisher, country, period);

CREATE TABLE sections (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    ordinal     INTEGER NOT NULL,
    heading     TEXT NOT NULL,
    level       INTEGER NOT NULL,
    path        TEXT NOT NULL,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    PRIMARY KEY (document_id, ordinal)
);

CREATE TABLE paragraphs (
    id          BIGSERIAL PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    ordinal     INTEGER NOT NULL,
    section     INTEGER,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    page        INTEGER,
    text        TEXT NOT NULL,
    tsv         tsvector GENERATED ALWAYS AS (to_tsvector('simple', docket_fold(text))) STORED,
    UNIQUE (document_id, ordinal)
);
CREATE INDEX paragraphs_tsv ON paragraphs USING GIN (tsv);
