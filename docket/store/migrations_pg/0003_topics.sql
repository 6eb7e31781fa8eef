CREATE TABLE paragraph_topics (
    id          BIGSERIAL,                   -- insertion order (SQLite's rowid)
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    paragraph   INTEGER NOT NULL,
    topic       TEXT NOT NULL,
    PRIMARY KEY (document_id, paragraph, topic)
);
CREATE INDEX paragraph_topics_topic ON paragraph_topics(topic);
