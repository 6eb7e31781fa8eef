-- How sure extraction was (0-1): that a mention is a person, that an event statement is about its
-- person. NULL for facts stored before this version.
ALTER TABLE mentions ADD COLUMN confidence REAL;
ALTER TABLE events ADD COLUMN confidence REAL;
