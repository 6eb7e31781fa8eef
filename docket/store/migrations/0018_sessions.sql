-- docket schema v18: curator sessions kept on the server, so that logging out, removing an
-- account or changing its password ends every session it had (the signed cookie alone outlived them).
CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,         -- random, carried in the signed session cookie
    curator    TEXT NOT NULL,
    via        TEXT NOT NULL CHECK (via IN ('account', 'token')),
    created_at TEXT NOT NULL,
    ended_at   TEXT
);
CREATE INDEX sessions_curator ON sessions(curator);
