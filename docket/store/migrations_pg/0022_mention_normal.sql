-- a person mention's name in the nominative, where the report prints it in another case; NULL otherwise.
ALTER TABLE mentions ADD COLUMN normal TEXT;
