-- docket schema v20: the persons linking found, stored for SQL users and other tools (Datasette,
-- sqlite-utils), with every spelling and every link with its levels and score. Derived data:
-- rewritten by `docket ingest`, `docket relink` and curation from the CLI; `resolution.state`
-- is the database state it was computed from (compare with the current one to know it is fresh).
CREATE TABLE resolution (
    state   TEXT NOT NULL,
    at      TEXT NOT NULL,
    persons INTEGER NOT NULL
);
CREATE TABLE persons (
    id        TEXT PRIMARY KEY,          -- the stable person id (see person_names, person_aliases)
    name      TEXT NOT NULL,             -- the canonical spelling
    role      TEXT,
    side      TEXT NOT NULL,             -- target | state | other
    documents INTEGER NOT NULL,
    events    INTEGER NOT NULL
);
CREATE TABLE person_spellings (
    person_id   TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    form        TEXT NOT NULL,
    document_id TEXT NOT NULL,
    mentions    INTEGER NOT NULL,
    PRIMARY KEY (person_id, form, document_id)
);
CREATE TABLE person_links (
    person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    a         TEXT NOT NULL,             -- two spellings put in one person
    b         TEXT NOT NULL,
    score     REAL NOT NULL,
    levels    TEXT NOT NULL              -- JSON array: the comparison levels that fired
);
CREATE INDEX person_links_person ON person_links(person_id);
CREATE INDEX person_spellings_document ON person_spellings(document_id);
