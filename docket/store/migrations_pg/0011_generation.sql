CREATE TABLE documents_generation (
    epoch TEXT NOT NULL,
    n     BIGINT NOT NULL
);
INSERT INTO documents_generation (epoch, n) VALUES (md5(random()::text || clock_timestamp()::text),
                                                    (SELECT COUNT(*) FROM documents));
CREATE FUNCTION docket_bump_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE documents_generation SET n = n + 1;
    RETURN NULL;
END $$;
CREATE TRIGGER documents_generation AFTER INSERT OR DELETE ON documents
    FOR EACH ROW EXECUTE FUNCTION docket_bump_generation();
