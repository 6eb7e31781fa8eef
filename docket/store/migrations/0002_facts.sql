-- docket schema v2: facts extracted from each document, stored with the document (same transaction).
CREATE TABLE mentions (
    id          INTEGER PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    paragraph   INTEGER NOT NULL,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    text        TEXT NOT NULL,               -- surface form: documents.text[start:end]
    source      TEXT NOT NULL                -- ner | cue | backref
);
CREATE INDEX mentions_document ON mentions(document_id);

CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    mention_id  INTEGER NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
    paragraph   INTEGER NOT NULL,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    type        TEXT NOT NULL,
    date        TEXT,                        -- YYYY | YYYY-MM | YYYY-MM-DD
    charge      TEXT,
    sanction    TEXT,                        -- JSON object in the gold's shape, or NULL
    quote       TEXT NOT NULL                -- documents.text[start:end]
);
CREATE INDEX events_document ON events(document_id);
CREATE INDEX events_type ON events(type, date);
