CREATE TABLE mentions (
    id          BIGSERIAL PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    paragraph   INTEGER NOT NULL,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    text        TEXT NOT NULL,
    source      TEXT NOT NULL
);
CREATE INDEX mentions_document ON mentions(document_id);

CREATE TABLE events (
    id          BIGSERIAL PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    mention_id  BIGINT NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
    paragraph   INTEGER NOT NULL,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    type        TEXT NOT NULL,
    date        TEXT,
    charge      TEXT,
    sanction    TEXT,
    quote       TEXT NOT NULL
);
CREATE INDEX events_document ON events(document_id);
CREATE INDEX events_type ON events(type, date);
