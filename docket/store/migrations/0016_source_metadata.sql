-- docket schema v16: where a report came from, for citations and reference lists: its source URL, publication date
-- and access date (given by a manifest, a sidecar, ingest flags or the upload form; NULL otherwise).
ALTER TABLE documents ADD COLUMN url TEXT;
ALTER TABLE documents ADD COLUMN published TEXT;
ALTER TABLE documents ADD COLUMN accessed TEXT;
