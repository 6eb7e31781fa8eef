-- A cheap "did the documents change?" token for the search index and caches: a counter bumped by
-- every insert or delete of a document, plus a random epoch so a recreated database never repeats one.
CREATE TABLE documents_generation (
    epoch TEXT NOT NULL,
    n     INTEGER NOT NULL
);
INSERT INTO documents_generation (epoch, n) VALUES (lower(hex(randomblob(8))), (SELECT COUNT(*) FROM documents));
CREATE TRIGGER documents_generation_ai AFTER INSERT ON documents BEGIN
    UPDATE documents_generation SET n = n + 1;
END;
CREATE TRIGGER documents_generation_ad AFTER DELETE ON documents BEGIN
    UPDATE documents_generation SET n = n + 1;
END;
