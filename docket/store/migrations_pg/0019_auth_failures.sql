-- Failed logins shared by every server process and authentication path.
CREATE TABLE auth_failures (
    key TEXT NOT NULL,
    at  DOUBLE PRECISION NOT NULL
);
CREATE INDEX auth_failures_key ON auth_failures(key, at);
