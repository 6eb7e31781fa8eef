-- docket schema v5: curated linking decisions, append-only, re-applied on every resolution.
CREATE TABLE curation (
    id     INTEGER PRIMARY KEY,
    action TEXT NOT NULL CHECK (action IN ('merge', 'split')),
    name_a TEXT NOT NULL,                -- as the curator wrote them
    name_b TEXT NOT NULL,
    key_a  TEXT NOT NULL,                -- transliteration-folded keys the decision applies to
    key_b  TEXT NOT NULL,
    who    TEXT NOT NULL,
    at     TEXT NOT NULL,
    why    TEXT
);
CREATE TRIGGER curation_no_update BEFORE UPDATE ON curation
BEGIN
    SELECT RAISE(ABORT, 'the curation log is append-only');
END;
CREATE TRIGGER curation_no_delete BEFORE DELETE ON curation
BEGIN
    SELECT RAISE(ABORT, 'the curation log is append-only');
END;
