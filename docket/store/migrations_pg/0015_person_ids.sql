-- Persons keep their ids: the stored id of the names a person holds, and aliases of folded-in ids.
CREATE TABLE person_names (
    key       TEXT PRIMARY KEY,
    person_id TEXT NOT NULL,
    form      TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX person_names_person ON person_names(person_id);
CREATE TABLE person_aliases (
    alias     TEXT PRIMARY KEY,
    person_id TEXT NOT NULL,
    at        TEXT NOT NULL,
    why       TEXT NOT NULL
);
