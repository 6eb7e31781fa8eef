-- the language a report is written in (ISO 639-1); NULL for documents stored before.
ALTER TABLE documents ADD COLUMN language TEXT;
