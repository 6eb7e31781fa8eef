CREATE TABLE entities (
    id          BIGSERIAL PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    paragraph   INTEGER NOT NULL,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    text        TEXT NOT NULL,
    label       TEXT NOT NULL
);
CREATE INDEX entities_document ON entities(document_id);
CREATE INDEX entities_text ON entities(label, text);
ALTER TABLE events ADD COLUMN place TEXT;
