CREATE TABLE curation (
    id     BIGSERIAL PRIMARY KEY,
    action TEXT NOT NULL CHECK (action IN ('merge', 'split')),
    name_a TEXT NOT NULL,
    name_b TEXT NOT NULL,
    key_a  TEXT NOT NULL,
    key_b  TEXT NOT NULL,
    who    TEXT NOT NULL,
    at     TEXT NOT NULL,
    why    TEXT
);
CREATE FUNCTION docket_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the % log is append-only', TG_ARGV[0];
END $$;
CREATE TRIGGER curation_append_only BEFORE UPDATE OR DELETE ON curation
    FOR EACH ROW EXECUTE FUNCTION docket_append_only('curation');
