-- docket schema v23: the first characters of each paragraph indexed, so the same passage printed in
-- other reports (a report added twice, boilerplate repeated across editions) is found at once and
-- folded into one search hit.
CREATE INDEX IF NOT EXISTS paragraphs_head ON paragraphs (substr(text, 1, 40));
