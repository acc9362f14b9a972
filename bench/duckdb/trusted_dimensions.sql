-- Trusted users, videos and devices from the *_records tables (csv_records.sql), by the
-- SPEC §7 dimension rules and the check order of docs/formats.md: malformed_record ->
-- missing_required -> invalid_date / invalid_enum / invalid_value -> duplicate_key (the
-- first valid row per key wins). Each *_checked table holds every data record with its
-- reject reason (NULL = kept); trusted_* hold the kept rows, typed.
-- "Trimmed" is spaces and tabs; "missing" is null or whitespace-only.

CREATE OR REPLACE MACRO sp_trim(s) AS trim(s, ' ' || chr(9));
CREATE OR REPLACE MACRO sp_missing(s) AS s IS NULL OR sp_trim(s) = '';
CREATE OR REPLACE MACRO sp_days_in_month(y, m) AS
  CASE WHEN m IN (1, 3, 5, 7, 8, 10, 12) THEN 31
       WHEN m IN (4, 6, 9, 11) THEN 30
       WHEN (y % 4 = 0 AND y % 100 <> 0) OR y % 400 = 0 THEN 29
       ELSE 28 END;
CREATE OR REPLACE MACRO sp_valid_date(s) AS
  regexp_full_match(s, '[0-9]{4}-[0-9]{2}-[0-9]{2}')
  AND try_cast(substr(s, 6, 2) AS INTEGER) BETWEEN 1 AND 12
  AND try_cast(substr(s, 9, 2) AS INTEGER) BETWEEN 1
      AND sp_days_in_month(try_cast(substr(s, 1, 4) AS INTEGER), try_cast(substr(s, 6, 2) AS INTEGER));

-- Data records of one CSV: the header is the first non-blank record.
CREATE OR REPLACE MACRO sp_data_records(records_table) AS TABLE
  SELECT r.record_index, r.fields, r.raw_record,
         r.malformed OR len(r.fields) <> len(h.fields) AS malformed, h.fields AS header
  FROM query_table(records_table) r,
       (SELECT [sp_trim(x) FOR x IN fields] AS fields FROM query_table(records_table)
        ORDER BY record_index LIMIT 1) h
  WHERE r.record_index > (SELECT min(record_index) FROM query_table(records_table));

CREATE OR REPLACE TABLE users_checked AS
WITH rows AS (
  SELECT record_index, malformed, raw_record,
         fields[list_position(header, 'user_id')] AS user_id,
         fields[list_position(header, 'signup_date')] AS signup_date,
         fields[list_position(header, 'subscription_tier')] AS subscription_tier,
         fields[list_position(header, 'age_group')] AS age_group,
         fields[list_position(header, 'gender')] AS gender
  FROM sp_data_records('users_records')
),
judged AS (
  SELECT *,
         CASE WHEN malformed THEN 'malformed_record'
              WHEN sp_missing(user_id) OR sp_missing(signup_date)
                   OR sp_missing(subscription_tier) THEN 'missing_required'
              WHEN NOT sp_valid_date(signup_date) THEN 'invalid_date'
              WHEN lower(sp_trim(subscription_tier)) NOT IN ('free', 'basic', 'premium')
                THEN 'invalid_enum'
              WHEN NOT sp_missing(age_group)
                   AND sp_trim(age_group) NOT IN ('18-25', '26-35', '36-50', '50+')
                THEN 'invalid_enum'
         END AS invalid_reason
  FROM rows
)
SELECT *,
       CASE WHEN invalid_reason IS NOT NULL THEN invalid_reason
            WHEN row_number() OVER (PARTITION BY invalid_reason IS NULL, user_id
                                    ORDER BY record_index) > 1 THEN 'duplicate_key'
       END AS reason
FROM judged;

CREATE OR REPLACE TABLE trusted_users AS
SELECT user_id,
       signup_date::DATE AS signup_date,
       CASE lower(sp_trim(subscription_tier)) WHEN 'free' THEN 'Free' WHEN 'basic' THEN 'Basic'
            ELSE 'Premium' END AS subscription_tier,
       CASE WHEN sp_missing(age_group) THEN NULL ELSE sp_trim(age_group) END AS age_group,
       gender
FROM users_checked
WHERE reason IS NULL
ORDER BY record_index;

CREATE OR REPLACE TABLE videos_checked AS
WITH rows AS (
  SELECT record_index, malformed, raw_record,
         fields[list_position(header, 'video_id')] AS video_id,
         fields[list_position(header, 'title')] AS title,
         fields[list_position(header, 'genre')] AS genre,
         fields[list_position(header, 'duration_seconds')] AS duration_seconds,
         fields[list_position(header, 'patent_id')] AS patent_id
  FROM sp_data_records('videos_records')
),
judged AS (
  SELECT *,
         CASE WHEN malformed THEN 'malformed_record'
              WHEN sp_missing(video_id) OR sp_missing(genre) OR sp_missing(duration_seconds)
                THEN 'missing_required'
              WHEN NOT regexp_full_match(duration_seconds, '[0-9]+')
                   OR length(ltrim(duration_seconds, '0')) > 10
                   OR try_cast(duration_seconds AS BIGINT) NOT BETWEEN 1 AND 2147483647
                THEN 'invalid_value'
         END AS invalid_reason
  FROM rows
)
SELECT *,
       CASE WHEN invalid_reason IS NOT NULL THEN invalid_reason
            WHEN row_number() OVER (PARTITION BY invalid_reason IS NULL, video_id
                                    ORDER BY record_index) > 1 THEN 'duplicate_key'
       END AS reason
FROM judged;

CREATE OR REPLACE TABLE trusted_videos AS
SELECT video_id, title,
       upper(substr(sp_trim(genre), 1, 1)) || lower(substr(sp_trim(genre), 2)) AS genre,
       duration_seconds::INTEGER AS duration_seconds, patent_id
FROM videos_checked
WHERE reason IS NULL
ORDER BY record_index;

CREATE OR REPLACE TABLE devices_checked AS
WITH rows AS (
  SELECT record_index, malformed, raw_record,
         fields[list_position(header, 'device')] AS device,
         fields[list_position(header, 'os')] AS os,
         fields[list_position(header, 'model')] AS model,
         fields[list_position(header, 'os_version')] AS os_version
  FROM sp_data_records('devices_records')
),
judged AS (
  SELECT *,
         CASE WHEN malformed THEN 'malformed_record'
              WHEN sp_missing(device) THEN 'missing_required'
         END AS invalid_reason
  FROM rows
)
SELECT *,
       CASE WHEN invalid_reason IS NOT NULL THEN invalid_reason
            -- SPEC §7: a devices row is identified by (device, os, model); PARTITION BY
            -- groups nulls together, so null equals null.
            WHEN row_number() OVER (PARTITION BY invalid_reason IS NULL, device, os, model
                                    ORDER BY record_index) > 1 THEN 'duplicate_key'
       END AS reason
FROM judged;

CREATE OR REPLACE TABLE trusted_devices AS
SELECT device, os, model, os_version
FROM devices_checked
WHERE reason IS NULL
ORDER BY record_index;
