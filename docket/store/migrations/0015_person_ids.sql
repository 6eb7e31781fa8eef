-- docket schema v15: persons keep their ids. Linking still runs on every change, but each person
-- found is given the stored id of the names it holds (person_names), new ids are stored when a
-- person is first seen, and an id that linking or curation folded into another person stays as an
-- alias that resolves to its successor (person_aliases), so a link sent yesterday still works.
CREATE TABLE person_names (
    key       TEXT PRIMARY KEY,          -- a folded full name (or "surname@document" for a bare one)
    person_id TEXT NOT NULL,
    form      TEXT NOT NULL,             -- the spelling first seen under this key
    at        TEXT NOT NULL
);
CREATE INDEX person_names_person ON person_names(person_id);
CREATE TABLE person_aliases (
    alias     TEXT PRIMARY KEY,          -- an id no longer in use
    person_id TEXT NOT NULL,             -- the id it resolves to
    at        TEXT NOT NULL,
    why       TEXT NOT NULL
);
