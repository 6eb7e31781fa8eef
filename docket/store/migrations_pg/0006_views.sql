CREATE VIEW paragraph_citations AS
SELECT p.document_id || ':p' || p.ordinal AS paragraph_id,
       d.publisher, d.country, d.period, d.title, s.heading AS section, p.page, p.start, p."end", p.text
FROM paragraphs p
JOIN documents d ON d.id = p.document_id
LEFT JOIN sections s ON s.document_id = p.document_id AND s.ordinal = p.section;

CREATE VIEW event_statements AS
SELECT e.id AS event_id, m.text AS person_as_printed, e.type, e.date, e.charge, e.place,
       e.sanction::json ->> 'kind' AS sanction_kind,
       (e.sanction::json ->> 'years')::numeric AS sanction_years,
       (e.sanction::json ->> 'days')::numeric AS sanction_days,
       (e.sanction::json ->> 'amount')::numeric AS sanction_amount,
       e.sanction::json ->> 'currency' AS sanction_currency,
       d.publisher, d.country, d.period, d.title, s.heading AS section,
       e.document_id || ':p' || e.paragraph AS paragraph_id, e.start, e."end", e.quote
FROM events e
JOIN mentions m ON m.id = e.mention_id
JOIN documents d ON d.id = e.document_id
LEFT JOIN paragraphs p ON p.document_id = e.document_id AND p.ordinal = e.paragraph
LEFT JOIN sections s ON s.document_id = e.document_id AND s.ordinal = p.section;

CREATE VIEW person_mentions AS
SELECT m.text AS name_as_printed, m.source, d.publisher, d.country, d.period, d.title,
       m.document_id || ':p' || m.paragraph AS paragraph_id, m.start, m."end"
FROM mentions m JOIN documents d ON d.id = m.document_id;

CREATE VIEW document_list AS
SELECT id AS document_id, publisher, country, period, title, file_name, format, pages, size, ingested_at,
       (SELECT COUNT(*) FROM paragraphs p WHERE p.document_id = documents.id) AS paragraphs,
       (SELECT COUNT(*) FROM events e WHERE e.document_id = documents.id) AS events
FROM documents;
