CREATE TABLE reviews (
    id          BIGSERIAL PRIMARY KEY,
    statement   TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('verify', 'reject', 'correct')),
    field       TEXT CHECK (field IS NULL OR field IN ('date', 'charge', 'place')),
    before      TEXT,
    after       TEXT,
    who         TEXT NOT NULL,
    at          TEXT NOT NULL,
    why         TEXT
);
CREATE INDEX reviews_statement ON reviews(statement);
CREATE TRIGGER reviews_append_only BEFORE UPDATE OR DELETE ON reviews
    FOR EACH ROW EXECUTE FUNCTION docket_append_only('review');
