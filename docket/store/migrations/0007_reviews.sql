-- Curators' reviews of event statements: verify, reject, or correct one field. Keyed by the
-- statement's position (document id = hash of its text, so the key survives re-ingest of the
-- same text), append-only like the curation log: the latest review per statement and field wins.
CREATE TABLE reviews (
    id          INTEGER PRIMARY KEY,
    statement   TEXT NOT NULL,           -- document_id:start:end:type:mention_start
    action      TEXT NOT NULL CHECK (action IN ('verify', 'reject', 'correct')),
    field       TEXT CHECK (field IS NULL OR field IN ('date', 'charge', 'place')),
    before      TEXT,
    after       TEXT,
    who         TEXT NOT NULL,
    at          TEXT NOT NULL,
    why         TEXT
);
CREATE INDEX reviews_statement ON reviews(statement);
CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews
BEGIN
    SELECT RAISE(ABORT, 'the review log is append-only');
END;
CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
BEGIN
    SELECT RAISE(ABORT, 'the review log is append-only');
END;
