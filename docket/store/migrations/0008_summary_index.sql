-- The documents list reads only metadata, but each row also holds the whole text, and
-- ingested_at sits after it: a covering index answers the list without reading any text.
CREATE INDEX documents_summary ON documents(publisher, period, file_name, id, source_path, format, country, title,
                                            ingested_at);
