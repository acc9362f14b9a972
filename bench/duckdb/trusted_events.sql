-- Trusted events from one JSONL file, by SPEC §7: every line is read as text (one VARCHAR
-- column; the delimiter holds control bytes that valid JSON cannot contain,
-- so a line that has them spills into `spill` and is malformed), judged in the SPEC order,
-- and exact duplicates among the passing records are dropped keeping the first line.
-- Parameters: events_file and delimiter (literals). Needs trusted_users/videos; no offset
-- in a timestamp means UTC, so the session must have TimeZone = 'UTC' (the runner sets it).
-- Leaves events_checked (every record: line_index, reason or NULL when kept, the typed
-- fields; the raw line only on rejected records), event_duplicates and the view
-- trusted_events.
--
-- The file is scanned once, and no window or join runs over all events. Each line is
-- parsed by json_valid, then once for the text of every known field (from_json to VARCHAR,
-- which also unescapes strings), once for their JSON types (json_type) and once for the
-- key list (json_keys); the rest is scalar work on short strings.
--
-- DuckDB's json_valid accepts trailing commas and NaN/Infinity, so lines that could hold
-- them are checked again with strings and true/false/null removed. A known field that
-- appears twice makes the line malformed (docs/formats.md); a line can only hold one if it
-- has more keys than non-null known fields, and only such lines (unknown fields, explicit
-- nulls, repeats) have their key list searched for a repeated known key.

CREATE OR REPLACE TABLE event_lines AS
SELECT line, spill
FROM read_csv({{events_file}}, columns = {'line': 'VARCHAR', 'spill': 'VARCHAR'},
              header = false, auto_detect = false, delim = {{delimiter}}, quote = '',
              escape = '', null_padding = true, strict_mode = false,
              max_line_size = 4194304);

CREATE OR REPLACE MACRO sp_known_field(k) AS
  k IN ('timestamp', 'user_id', 'event_name', 'session_id', 'value', 'video_id',
        'account_id', 'device', 'app_version', 'device_os', 'network_type', 'ip', 'country');
-- json_type of a string value; numbers are BIGINT, UBIGINT or DOUBLE (also beyond the
-- double range), null is 'NULL' and an absent field NULL.
CREATE OR REPLACE MACRO sp_text_or_null(type) AS type IS NULL OR type IN ('VARCHAR', 'NULL');

CREATE OR REPLACE TABLE events_checked AS
WITH lines AS (
  -- rowid follows file order (insertion order is preserved); blank lines are NULL or
  -- whitespace and are not records.
  SELECT rowid AS line_index, line, spill
  FROM event_lines
  WHERE line IS NOT NULL AND NOT regexp_full_match(line, '[ \t\r]*')
),
valid AS (
  -- Grammar beyond json_valid, each behind a cheap test of the line: an object, and no
  -- trailing commas or NaN/Infinity (looked for with strings and literals removed). The
  -- parser takes nan and inf[inity] in any case (NAN, iNf), hence lower().
  -- Numbers beyond the double range (1e999) are valid JSON (SPEC §7).
  SELECT line_index, line,
         CASE WHEN spill IS NOT NULL OR NOT json_valid(line) THEN false
              WHEN NOT (starts_with(line, '{')
                        OR starts_with(ltrim(line, ' ' || chr(9) || chr(13)), '{')) THEN false
              WHEN (contains(lower(line), 'nan') OR contains(lower(line), 'inf')
                    OR regexp_matches(line, ',[ \t\r\n]*[\]}]'))
                   AND regexp_matches(
                         regexp_replace(regexp_replace(line, '"(?:[^"\\]|\\.)*"', '', 'g'),
                                        'true|false|null', '', 'g'),
                         ',[ \t\r\n]*[\]}]|[A-DF-Za-df-z]') THEN false
              ELSE true END AS valid_object
  FROM lines
),
fields AS (
  -- f: the text of each known field (a string unescaped, another value as JSON text,
  -- JSON null reads as NULL, like an absent field); t: the JSON types where they matter
  -- (a timestamp or event name that is not a string fails its own rule anyway).
  SELECT line_index, line, valid_object,
         CASE WHEN valid_object THEN
           from_json(line, '{"timestamp": "VARCHAR", "user_id": "VARCHAR",
                             "event_name": "VARCHAR", "session_id": "VARCHAR",
                             "value": "VARCHAR", "video_id": "VARCHAR",
                             "account_id": "VARCHAR", "device": "VARCHAR",
                             "app_version": "VARCHAR", "device_os": "VARCHAR",
                             "network_type": "VARCHAR", "ip": "VARCHAR",
                             "country": "VARCHAR"}')
         END AS f,
         CASE WHEN valid_object THEN
           json_type(line, ['$.user_id', '$.session_id', '$.value', '$.video_id',
                            '$.account_id', '$.device', '$.app_version', '$.device_os',
                            '$.network_type', '$.ip', '$.country'])
         END AS t,
         CASE WHEN valid_object THEN json_keys(line) END AS keys
  FROM valid
),
typed AS (
  SELECT line_index, line,
         CASE WHEN NOT valid_object THEN false
              WHEN len(keys) = (f.timestamp IS NOT NULL)::INTEGER
                               + (f.user_id IS NOT NULL)::INTEGER
                               + (f.event_name IS NOT NULL)::INTEGER
                               + (f.session_id IS NOT NULL)::INTEGER
                               + (f.value IS NOT NULL)::INTEGER
                               + (f.video_id IS NOT NULL)::INTEGER
                               + (f.account_id IS NOT NULL)::INTEGER
                               + (f.device IS NOT NULL)::INTEGER
                               + (f.app_version IS NOT NULL)::INTEGER
                               + (f.device_os IS NOT NULL)::INTEGER
                               + (f.network_type IS NOT NULL)::INTEGER
                               + (f.ip IS NOT NULL)::INTEGER
                               + (f.country IS NOT NULL)::INTEGER THEN true
              ELSE len(list_filter(keys, k -> sp_known_field(k)))
                   = len(list_distinct(list_filter(keys, k -> sp_known_field(k))))
         END AS well_formed,
         f.timestamp IS NOT NULL AS has_timestamp, f.user_id IS NOT NULL AS has_user_id,
         f.event_name IS NOT NULL AS has_event_name,
         f.session_id IS NOT NULL AS has_session_id, f.value IS NOT NULL AS has_value,
         f.video_id IS NOT NULL AS has_video_id,
         sp_text_or_null(t[2]) AS session_id_is_text,
         sp_text_or_null(t[5]) AND sp_text_or_null(t[6]) AND sp_text_or_null(t[7])
           AND sp_text_or_null(t[8]) AND sp_text_or_null(t[9]) AND sp_text_or_null(t[10])
           AND sp_text_or_null(t[11]) AS optional_fields_are_text,
         f.timestamp AS timestamp_text, f.event_name AS event_name,
         -- A non-string user_id or video_id matches no id (unknown_user, unknown_video).
         CASE WHEN t[1] = 'VARCHAR' THEN f.user_id END AS user_id,
         CASE WHEN t[4] = 'VARCHAR' THEN f.video_id END AS video_id,
         -- A number beyond the double range casts to +-inf: no finite value, so null
         -- (invalid_value for watch_time; docs/formats.md).
         CASE WHEN t[3] IN ('BIGINT', 'UBIGINT', 'DOUBLE')
                   AND isfinite(try_cast(f.value AS DOUBLE))
              THEN try_cast(f.value AS DOUBLE) END AS value,
         f.session_id, f.account_id, f.device, f.app_version, f.device_os, f.network_type,
         f.ip, f.country
  FROM fields
),
instants AS (
  -- YYYY-MM-DD[T ]HH:MM:SS[.f{1,9}][Z|(+|-)HH:MM], hours 00-23, minutes and seconds 00-59,
  -- offsets up to 23:59, checked by the regex; DuckDB's TIMESTAMPTZ cast then rejects
  -- impossible days (Feb 30), applies the offset and truncates the fraction to
  -- microseconds.
  SELECT *,
         CASE WHEN regexp_full_match(timestamp_text,
                '[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]'
                || '(\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?')
              THEN try_cast(timestamp_text AS TIMESTAMPTZ) END AS instant
  FROM typed
),
judged AS (
  SELECT *,
         CASE WHEN NOT well_formed THEN 'malformed_record'
              WHEN NOT has_timestamp OR NOT has_user_id OR NOT has_event_name
                   OR NOT has_session_id THEN 'missing_required'
              WHEN instant IS NULL THEN 'invalid_timestamp'
              WHEN event_name NOT IN ('session_start', 'play', 'pause', 'resume', 'seek',
                                      'watch_time', 'like', 'heart', 'session_end', 'error')
                THEN 'unknown_event_name'
              WHEN event_name = 'watch_time' AND NOT has_value THEN 'missing_required'
              WHEN event_name = 'watch_time'
                   AND (value IS NULL OR value < 0 OR value > 86400) THEN 'invalid_value'
              WHEN NOT session_id_is_text OR NOT optional_fields_are_text THEN 'invalid_value'
              WHEN user_id IS NULL OR user_id NOT IN (SELECT user_id FROM trusted_users)
                THEN 'unknown_user'
              WHEN has_video_id
                   AND (video_id IS NULL
                        OR video_id NOT IN (SELECT video_id FROM trusted_videos))
                THEN 'unknown_video'
         END AS reason
  FROM instants
)
SELECT line_index,
       CASE WHEN reason IS NOT NULL THEN line END AS line,
       reason,
       make_timestamp(epoch_us(instant)) AS "timestamp",
       account_id, video_id, user_id, event_name, value, device, app_version, device_os,
       network_type, ip, country, session_id
FROM judged;

DROP TABLE event_lines;

-- Exact duplicates (SPEC §7, docs/formats.md): the same key as an earlier kept line;
-- null equals null and -0.0 equals 0.0 (in DuckDB's hash too). Only keys whose hash is
-- shared are compared in full, so the window runs over a handful of rows.
CREATE OR REPLACE TABLE event_duplicates AS
WITH keyed AS (
  SELECT line_index, user_id, session_id, "timestamp", event_name, video_id, value,
         hash(user_id, session_id, "timestamp", event_name, video_id, value) AS key_hash
  FROM events_checked
  WHERE reason IS NULL
),
shared_hashes AS (
  SELECT key_hash FROM keyed GROUP BY key_hash HAVING count(*) > 1
)
SELECT line_index
FROM keyed
WHERE key_hash IN (SELECT key_hash FROM shared_hashes)
QUALIFY row_number() OVER (PARTITION BY user_id, session_id, "timestamp", event_name,
                                        video_id, value
                           ORDER BY line_index) > 1;

UPDATE events_checked SET reason = 'duplicate'
WHERE line_index IN (SELECT line_index FROM event_duplicates);

CREATE OR REPLACE VIEW trusted_events AS
SELECT "timestamp", account_id, video_id, user_id, event_name, value, device, app_version,
       device_os, network_type, ip, country, session_id, line_index AS source_line
FROM events_checked
WHERE reason IS NULL;
