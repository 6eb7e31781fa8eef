-- Document attributes that are not metadata fields: a book chapter's fact box (head of state,
-- head of government, death penalty status, ...), as a JSON object.
ALTER TABLE documents ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}';
