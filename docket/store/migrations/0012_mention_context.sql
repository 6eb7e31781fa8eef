-- The context of each mention, read once at extraction (NULL for mentions stored before this
-- version: read from the text when needed): its role phrase ('' when none) and whether a foreign
-- or international body is named just before it.
ALTER TABLE mentions ADD COLUMN role TEXT;
ALTER TABLE mentions ADD COLUMN foreign_body INTEGER;
