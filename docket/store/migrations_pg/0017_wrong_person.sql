-- A review may also say a statement is about another person (field 'person').
ALTER TABLE reviews DROP CONSTRAINT reviews_field_check;
ALTER TABLE reviews ADD CONSTRAINT reviews_field_check
    CHECK (field IS NULL OR field IN ('date', 'charge', 'place', 'person'));
