-- Curator sessions kept on the server (logout and account removal end them).
CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    curator    TEXT NOT NULL,
    via        TEXT NOT NULL CHECK (via IN ('account', 'token')),
    created_at TEXT NOT NULL,
    ended_at   TEXT
);
CREATE INDEX sessions_curator ON sessions(curator);
