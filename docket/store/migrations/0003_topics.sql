-- docket schema v3: rights topics per paragraph (ids from docket/data/topics.json).
CREATE TABLE paragraph_topics (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    paragraph   INTEGER NOT NULL,
    topic       TEXT NOT NULL,
    PRIMARY KEY (document_id, paragraph, topic)
);
CREATE INDEX paragraph_topics_topic ON paragraph_topics(topic);
