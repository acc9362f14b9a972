-- Trusted events from one JSONL file, by SPEC §7: every line is read as text (one VARCHAR
-- column; the delimiter holds control bytes that valid JSON cannot contain,
-- so a line that has them spills into `spill` and is malformed), judged in the SPEC order,
-- and exact duplicates among the passing records are dropped keeping the first line.
-- Parameters: events_file and delimiter (literals). Needs trusted_users/videos.
--
-- DuckDB's json_valid accepts trailing commas and NaN/Infinity, so lines that could hold
-- them are checked again with strings and true/false/null removed. A known field that
-- appears twice makes the line malformed (docs/formats.md), found with json_keys.

CREATE OR REPLACE TABLE event_lines AS
SELECT line, spill
FROM read_csv({{events_file}}, columns = {'line': 'VARCHAR', 'spill': 'VARCHAR'},
              header = false, auto_detect = false, delim = {{delimiter}}, quote = '',
              escape = '', null_padding = true, strict_mode = false,
              max_line_size = 4194304);

-- A value from json_extract is JSON text in yyjson's canonical form, so its first byte
-- gives its type ('"' string, 'n' null, 't'/'f' boolean, '-'/digit number, '{' '[').
CREATE OR REPLACE MACRO sp_json_present(j) AS j IS NOT NULL AND j::VARCHAR <> 'null';
CREATE OR REPLACE MACRO sp_json_string(j) AS j IS NOT NULL AND starts_with(j::VARCHAR, '"');
CREATE OR REPLACE MACRO sp_json_number(j) AS
  j IS NOT NULL AND substr(j::VARCHAR, 1, 1) IN ('-', '0', '1', '2', '3', '4', '5', '6', '7',
                                                 '8', '9');
CREATE OR REPLACE MACRO sp_bad_optional(j) AS sp_json_present(j) AND NOT sp_json_string(j);
-- The text of a JSON string value (unescaped only when it holds an escape).
CREATE OR REPLACE MACRO sp_json_text(j) AS
  CASE WHEN NOT sp_json_string(j) THEN NULL
       WHEN contains(j::VARCHAR, '\') THEN j ->> '$'
       ELSE substr(j::VARCHAR, 2, length(j::VARCHAR) - 2) END;
CREATE OR REPLACE MACRO sp_known_field(k) AS
  k IN ('timestamp', 'user_id', 'event_name', 'session_id', 'value', 'video_id',
        'account_id', 'device', 'app_version', 'device_os', 'network_type', 'ip', 'country');

CREATE OR REPLACE TABLE events_checked AS
WITH lines AS (
  -- rowid follows file order (insertion order is preserved); blank lines are NULL or
  -- whitespace and are not records.
  SELECT rowid AS line_index, line, spill
  FROM event_lines
  WHERE line IS NOT NULL AND NOT regexp_full_match(line, '[ \t\r]*')
),
shaped AS (
  -- Strictness beyond json_valid, each behind a cheap test of the line: trailing commas
  -- and NaN/Infinity (looked for with strings and literals removed), and a known field
  -- given twice. Numbers beyond the double range (1e999) are valid JSON (SPEC §7).
  SELECT line_index, line,
         CASE WHEN spill IS NOT NULL OR NOT json_valid(line) THEN false
              WHEN NOT starts_with(ltrim(line, ' ' || chr(9) || chr(13)), '{') THEN false
              WHEN (contains(line, 'nan') OR contains(line, 'NaN') OR contains(line, 'inf')
                    OR contains(line, 'Inf') OR regexp_matches(line, ',[ \t\r\n]*[\]}]'))
                   AND regexp_matches(
                         regexp_replace(regexp_replace(line, '"(?:[^"\\]|\\.)*"', '', 'g'),
                                        'true|false|null', '', 'g'),
                         ',[ \t\r\n]*[\]}]|[A-DF-Za-df-z]') THEN false
              WHEN regexp_matches(line, '"timestamp".*"timestamp"|"user_id".*"user_id"|'
                     || '"event_name".*"event_name"|"session_id".*"session_id"|'
                     || '"value".*"value"|"video_id".*"video_id"|"account_id".*"account_id"|'
                     || '"device".*"device"|"app_version".*"app_version"|'
                     || '"device_os".*"device_os"|"network_type".*"network_type"|'
                     || '"ip".*"ip"|"country".*"country"')
                   AND len(list_filter(json_keys(line), k -> sp_known_field(k)))
                       <> len(list_distinct(list_filter(json_keys(line),
                                                        k -> sp_known_field(k))))
                THEN false
              ELSE true END AS well_formed
  FROM lines
),
fields AS (
  SELECT line_index, line, well_formed,
         CASE WHEN well_formed THEN
           json_extract(line, ['$.timestamp', '$.user_id', '$.event_name', '$.session_id',
                               '$.value', '$.video_id', '$.account_id', '$.device',
                               '$.app_version', '$.device_os', '$.network_type', '$.ip',
                               '$.country'])
         END AS f
  FROM shaped
),
typed AS (
  SELECT line_index, line, well_formed,
         f[1] AS j_timestamp, f[2] AS j_user_id, f[3] AS j_event_name, f[4] AS j_session_id,
         f[5] AS j_value, f[6] AS j_video_id, f[7] AS j_account_id, f[8] AS j_device,
         f[9] AS j_app_version, f[10] AS j_device_os, f[11] AS j_network_type, f[12] AS j_ip,
         f[13] AS j_country,
         sp_json_text(f[1]) AS timestamp_text, sp_json_text(f[3]) AS event_name,
         sp_json_text(f[2]) AS user_id, sp_json_text(f[6]) AS video_id,
         -- A number beyond the double range casts to +-inf: no finite value, so null
         -- (invalid_value for watch_time; docs/formats.md).
         CASE WHEN sp_json_number(f[5]) AND isfinite(try_cast(f[5]::VARCHAR AS DOUBLE))
              THEN try_cast(f[5]::VARCHAR AS DOUBLE) END AS value
  FROM fields
),
timestamps AS (
  SELECT *,
         regexp_extract(timestamp_text,
           '^([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2}):([0-9]{2})'
           || '(?:\.([0-9]{1,9}))?(Z|[+-][0-9]{2}:[0-9]{2})?$',
           ['y', 'mo', 'd', 'h', 'mi', 's', 'frac', 'zone']) AS p
  FROM typed
),
instants AS (
  SELECT *,
         p.y <> '' AND try_cast(p.mo AS INTEGER) BETWEEN 1 AND 12
           AND try_cast(p.d AS INTEGER) BETWEEN 1
               AND sp_days_in_month(try_cast(p.y AS INTEGER), try_cast(p.mo AS INTEGER))
           AND try_cast(p.h AS INTEGER) <= 23 AND try_cast(p.mi AS INTEGER) <= 59
           AND try_cast(p.s AS INTEGER) <= 59
           AND (p.zone IN ('', 'Z') OR (try_cast(substr(p.zone, 2, 2) AS INTEGER) <= 23
                                        AND try_cast(substr(p.zone, 5, 2) AS INTEGER) <= 59))
           AS timestamp_ok
  FROM timestamps
),
judged AS (
  SELECT *,
         CASE WHEN NOT well_formed THEN 'malformed_record'
              WHEN NOT sp_json_present(j_timestamp) OR NOT sp_json_present(j_user_id)
                   OR NOT sp_json_present(j_event_name) OR NOT sp_json_present(j_session_id)
                THEN 'missing_required'
              WHEN timestamp_text IS NULL OR NOT timestamp_ok THEN 'invalid_timestamp'
              WHEN event_name IS NULL OR event_name NOT IN ('session_start', 'play', 'pause',
                     'resume', 'seek', 'watch_time', 'like', 'heart', 'session_end', 'error')
                THEN 'unknown_event_name'
              WHEN event_name = 'watch_time' AND NOT sp_json_present(j_value)
                THEN 'missing_required'
              WHEN event_name = 'watch_time'
                   AND (value IS NULL OR value < 0 OR value > 86400) THEN 'invalid_value'
              WHEN NOT sp_json_string(j_session_id) THEN 'invalid_value'
              WHEN sp_bad_optional(j_account_id) OR sp_bad_optional(j_device)
                   OR sp_bad_optional(j_app_version) OR sp_bad_optional(j_device_os)
                   OR sp_bad_optional(j_network_type) OR sp_bad_optional(j_ip)
                   OR sp_bad_optional(j_country) THEN 'invalid_value'
              WHEN user_id IS NULL OR user_id NOT IN (SELECT user_id FROM trusted_users)
                THEN 'unknown_user'
              WHEN sp_json_present(j_video_id)
                   AND (video_id IS NULL
                        OR video_id NOT IN (SELECT video_id FROM trusted_videos))
                THEN 'unknown_video'
         END AS invalid_reason
  FROM instants
),
passing AS (
  -- try_cast: the optimizer may evaluate these below the CASE, on rejected rows too.
  SELECT *,
         CASE WHEN invalid_reason IS NULL THEN
           make_timestamp(
             epoch_us(make_timestamp(try_cast(p.y AS BIGINT), try_cast(p.mo AS BIGINT),
                                     try_cast(p.d AS BIGINT), try_cast(p.h AS BIGINT),
                                     try_cast(p.mi AS BIGINT), try_cast(p.s AS DOUBLE)))
             + try_cast(rpad(substr(p.frac, 1, 6), 6, '0') AS BIGINT)
             - CASE WHEN p.zone IN ('', 'Z') THEN 0
                    ELSE (CASE WHEN starts_with(p.zone, '-') THEN -1 ELSE 1 END)
                         * (try_cast(substr(p.zone, 2, 2) AS BIGINT) * 3600
                            + try_cast(substr(p.zone, 5, 2) AS BIGINT) * 60) * 1000000 END)
         END AS ts
  FROM judged
)
SELECT line_index, line, invalid_reason,
       CASE WHEN invalid_reason IS NOT NULL THEN invalid_reason
            WHEN row_number() OVER (
                   PARTITION BY invalid_reason IS NULL, user_id, sp_json_text(j_session_id), ts,
                                event_name, video_id, value
                   ORDER BY line_index) > 1 THEN 'duplicate'
       END AS reason,
       ts AS "timestamp",
       sp_json_text(j_account_id) AS account_id, video_id, user_id, event_name, value,
       sp_json_text(j_device) AS device, sp_json_text(j_app_version) AS app_version,
       sp_json_text(j_device_os) AS device_os, sp_json_text(j_network_type) AS network_type,
       sp_json_text(j_ip) AS ip, sp_json_text(j_country) AS country,
       sp_json_text(j_session_id) AS session_id
FROM passing;

CREATE OR REPLACE TABLE trusted_events AS
SELECT "timestamp", account_id, video_id, user_id, event_name, value, device, app_version,
       device_os, network_type, ip, country, session_id, line_index AS source_line
FROM events_checked
WHERE reason IS NULL
ORDER BY line_index;
