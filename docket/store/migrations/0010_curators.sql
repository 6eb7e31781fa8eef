-- Curator accounts: a name and an Argon2id hash of the password (never the password itself).
CREATE TABLE curators (
    name          TEXT PRIMARY KEY COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
