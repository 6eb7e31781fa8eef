-- docket schema v14: the curation log also records that a name is not a person ('not_person': its
-- entity and every statement leave case files, lists and exports, on every later resolution) and
-- the undoing of that ('person'). SQLite cannot widen a CHECK in place: the table is rebuilt with
-- the same rows, ids and append-only triggers.
DROP TRIGGER curation_no_update;
DROP TRIGGER curation_no_delete;
CREATE TABLE curation_v14 (
    id     INTEGER PRIMARY KEY,
    action TEXT NOT NULL CHECK (action IN ('merge', 'split', 'not_person', 'person')),
    name_a TEXT NOT NULL,
    name_b TEXT NOT NULL,
    key_a  TEXT NOT NULL,
    key_b  TEXT NOT NULL,
    who    TEXT NOT NULL,
    at     TEXT NOT NULL,
    why    TEXT
);
INSERT INTO curation_v14 (id, action, name_a, name_b, key_a, key_b, who, at, why)
    SELECT id, action, name_a, name_b, key_a, key_b, who, at, why FROM curation;
DROP TABLE curation;
ALTER TABLE curation_v14 RENAME TO curation;
CREATE TRIGGER curation_no_update BEFORE UPDATE ON curation
BEGIN
    SELECT RAISE(ABORT, 'the curation log is append-only');
END;
CREATE TRIGGER curation_no_delete BEFORE DELETE ON curation
BEGIN
    SELECT RAISE(ABORT, 'the curation log is append-only');
END;
