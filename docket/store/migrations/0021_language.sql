-- docket schema v21: the language a report is written in (ISO 639-1), detected from its text or given
-- by a manifest, a sidecar or --language; NULL for documents stored before (re-ingest a changed file to set it).
ALTER TABLE documents ADD COLUMN language TEXT;
