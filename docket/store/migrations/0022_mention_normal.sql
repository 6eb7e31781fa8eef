-- docket schema v22: a person mention's name in the nominative, where the report prints it in another
-- case ("Сергея Удальцова" -> "Сергей Удальцов"); NULL when the printed form is already the name.
ALTER TABLE mentions ADD COLUMN normal TEXT;
