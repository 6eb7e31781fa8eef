-- docket schema v17: a review may also say a statement is about another person ("wrong person":
-- field 'person', before/after the person ids). The table is rebuilt with the same rows, ids,
-- index and append-only triggers (SQLite cannot widen a CHECK in place).
DROP TRIGGER reviews_no_update;
DROP TRIGGER reviews_no_delete;
CREATE TABLE reviews_v17 (
    id          INTEGER PRIMARY KEY,
    statement   TEXT NOT NULL,           -- document_id:start:end:type:mention_start
    action      TEXT NOT NULL CHECK (action IN ('verify', 'reject', 'correct')),
    field       TEXT CHECK (field IS NULL OR field IN ('date', 'charge', 'place', 'person')),
    before      TEXT,
    after       TEXT,
    who         TEXT NOT NULL,
    at          TEXT NOT NULL,
    why         TEXT
);
INSERT INTO reviews_v17 (id, statement, action, field, before, after, who, at, why)
    SELECT id, statement, action, field, before, after, who, at, why FROM reviews;
DROP TABLE reviews;
ALTER TABLE reviews_v17 RENAME TO reviews;
CREATE INDEX reviews_statement ON reviews(statement);
CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews
BEGIN
    SELECT RAISE(ABORT, 'the review log is append-only');
END;
CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
BEGIN
    SELECT RAISE(ABORT, 'the review log is append-only');
END;
