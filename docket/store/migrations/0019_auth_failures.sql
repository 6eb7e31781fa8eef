-- docket schema v19: failed logins kept in the database, so that every server process (and every
-- authentication path: the login form, Basic and Bearer on the API) counts the same failures.
CREATE TABLE auth_failures (
    key TEXT NOT NULL,   -- "client:ADDRESS" or "account:NAME" (lower case)
    at  REAL NOT NULL    -- seconds since the epoch
);
CREATE INDEX auth_failures_key ON auth_failures(key, at);
