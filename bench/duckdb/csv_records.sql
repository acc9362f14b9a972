-- One landing CSV file -> {{table}}_records(record_index, fields, malformed): RFC 4180 records
-- cut by a tokenizer over the whole text, so quoting, CRLF, a BOM and blank lines follow
-- SPEC §1/§7 and docs/formats.md rather than DuckDB's own CSV sniffer (which rejects files
-- that mix LF and CRLF). Parameters: {{table}} (identifier), {{file}} (path literal).
--
-- A token is a separator (start of text, ',' or LF) plus one field: a quoted field with
-- any trailing junk (junk => malformed), an unclosed quote running to the end of the text
-- (malformed), or unquoted text (a '"' inside => malformed). A token led by LF starts a
-- new record. One trailing CR of a record's last field is its CRLF line end.
CREATE OR REPLACE TABLE {{table}}_tokens AS
WITH source AS (
  SELECT CASE WHEN starts_with(content, chr(65279)) THEN substr(content, 2) ELSE content END
           AS content
  FROM read_text({{file}})
),
token_lists AS (
  SELECT regexp_extract_all(
           content, '(?:^|[,\n])(?:"(?:[^"]|"")*"[^,\n]*|"(?:[^"]|"")*$|[^,\n]*)') AS tokens
  FROM source
),
tokens AS (
  SELECT position, tokens[position] AS token
  FROM (SELECT tokens, unnest(generate_series(1, len(tokens))) AS position FROM token_lists)
)
SELECT position,
       sum(CASE WHEN position = 1 OR starts_with(token, chr(10)) THEN 1 ELSE 0 END)
         OVER (ORDER BY position) AS record_index,
       CASE WHEN position > 1 AND (starts_with(token, ',') OR starts_with(token, chr(10)))
            THEN substr(token, 2) ELSE token END AS text
FROM tokens;

CREATE OR REPLACE TABLE {{table}}_records AS
WITH fields AS (
  SELECT record_index, position,
         CASE WHEN position = max(position) OVER (PARTITION BY record_index)
                   AND ends_with(text, chr(13))
              THEN substr(text, 1, length(text) - 1) ELSE text END AS text
  FROM {{table}}_tokens
),
classified AS (
  SELECT record_index, position, text,
         CASE WHEN starts_with(text, '"') THEN NOT regexp_full_match(text, '"(?:[^"]|"")*"')
              ELSE contains(text, '"') END AS bad_quoting,
         CASE WHEN starts_with(text, '"') AND regexp_full_match(text, '"(?:[^"]|"")*"')
              THEN replace(substr(text, 2, length(text) - 2), '""', '"')
              ELSE text END AS value
  FROM fields
),
records AS (
  SELECT record_index,
         list(CASE WHEN value = '' THEN NULL ELSE value END ORDER BY position) AS fields,
         bool_or(bad_quoting) AS malformed,
         count(*) = 1 AND regexp_full_match(min(text), '[ \t\r]*') AS blank,
         string_agg(text, ',' ORDER BY position) AS raw_record
  FROM classified
  GROUP BY record_index
)
SELECT record_index, fields, malformed, raw_record
FROM records
WHERE NOT blank;
