-- user_sessions for ingestion date D (SPEC §4, §7; docs/metrics.md "user_sessions").
--
-- Parameters (docs/engines.md, "The enriched stage in Trino SQL"):
--   ${events}   the deduplicated events of every date <= D with their genre: events.sql
--               as a subquery
-- Columns: those of the user_sessions table, in its order, without ingestion_date.
--
-- Rules:
-- * A session is the events sharing (user_id, session_id).
-- * Event order within a session: timestamp, event_name (byte order), then input order
--   (ingestion_date, source_line). The earliest event gives device_os, app_version,
--   device, network_type and country, nulls included.
-- * watch_seconds: the values of the session's watch_time events added one by one in
--   input order, starting from 0.0 (reduce over an ordered array_agg: floating-point
--   addition is not associative, and sum() adds in no fixed order). 0.0 without any.
-- * genre: the genre with the largest sum of watch_time seconds (added in input order),
--   among genres with more than 0 s; equal sums: the smaller genre name. Else the genre of
--   the earliest event with a known video; else 'Unknown'.
-- * session_number: 1, 2, ... per user by (session_start, session_id).
-- * duration_seconds and hours_since_previous_session (start to start) are exact
--   microsecond differences converted once: double(us) / 1e6, double(us) / 3.6e9.
--   Microseconds since the epoch: whole seconds by date_diff, plus the six fraction digits
--   of the timestamp's text (no Trino function returns microseconds exactly).
WITH ranked_events AS (
  SELECT
    e.*,
    row_number() OVER (
      PARTITION BY user_id, session_id
      ORDER BY "timestamp", event_name, ingestion_date, source_line
    ) AS event_rank
  FROM ${events} e
),
-- One pass over the events, two groupings: per session (whole_session) and per session and
-- genre, the watch seconds of both added by the same ordered sum.
groups AS (
  SELECT
    user_id,
    session_id,
    genre,
    grouping(genre) = 1 AS whole_session,
    min("timestamp") AS session_start,
    max("timestamp") AS session_end,
    count(*) AS event_count,
    coalesce(
      reduce(
        array_agg(value ORDER BY ingestion_date, source_line)
          FILTER (WHERE event_name = 'watch_time' AND value IS NOT NULL),
        0e0, (total, x) -> total + x, total -> total),
      0e0) AS watch_seconds,
    arbitrary(device_os) FILTER (WHERE event_rank = 1) AS device_os,
    arbitrary(app_version) FILTER (WHERE event_rank = 1) AS app_version,
    arbitrary(device) FILTER (WHERE event_rank = 1) AS device,
    arbitrary(network_type) FILTER (WHERE event_rank = 1) AS network_type,
    arbitrary(country) FILTER (WHERE event_rank = 1) AS country,
    min_by(genre, event_rank) FILTER (WHERE genre IS NOT NULL) AS first_video_genre
  FROM ranked_events
  GROUP BY GROUPING SETS ((user_id, session_id), (user_id, session_id, genre))
),
-- The session's row, and its top genre from its genre rows: the most seconds (more than 0),
-- ties to the smaller name.
sessions AS (
  SELECT
    user_id,
    session_id,
    arbitrary(session_start) FILTER (WHERE whole_session) AS session_start,
    arbitrary(session_end) FILTER (WHERE whole_session) AS session_end,
    arbitrary(event_count) FILTER (WHERE whole_session) AS event_count,
    arbitrary(watch_seconds) FILTER (WHERE whole_session) AS watch_seconds,
    arbitrary(device_os) FILTER (WHERE whole_session) AS device_os,
    arbitrary(app_version) FILTER (WHERE whole_session) AS app_version,
    arbitrary(device) FILTER (WHERE whole_session) AS device,
    arbitrary(network_type) FILTER (WHERE whole_session) AS network_type,
    arbitrary(country) FILTER (WHERE whole_session) AS country,
    arbitrary(first_video_genre) FILTER (WHERE whole_session) AS first_video_genre,
    min_by(genre, ROW(-watch_seconds, genre))
      FILTER (WHERE NOT whole_session AND genre IS NOT NULL AND watch_seconds > 0e0)
      AS top_genre
  FROM groups
  GROUP BY user_id, session_id
),
timed AS (
  SELECT
    s.*,
    coalesce(top_genre, first_video_genre, 'Unknown') AS genre,
    date_diff('second', TIMESTAMP '1970-01-01 00:00:00 UTC', date_trunc('second', session_start))
      * 1000000 + CAST(substr(CAST(session_start AS varchar), 21, 6) AS bigint) AS start_us,
    date_diff('second', TIMESTAMP '1970-01-01 00:00:00 UTC', date_trunc('second', session_end))
      * 1000000 + CAST(substr(CAST(session_end AS varchar), 21, 6) AS bigint) AS end_us
  FROM sessions s
)
SELECT
  user_id,
  session_id,
  CAST(row_number() OVER by_start AS integer) AS session_number,
  session_start,
  session_end,
  CAST(end_us - start_us AS double) / 1e6 AS duration_seconds,
  event_count,
  watch_seconds,
  genre,
  device_os,
  app_version,
  device,
  network_type,
  country,
  watch_seconds >= 30e0 AS reached_30s,
  CAST(start_us - lag(start_us) OVER by_start AS double) / 3.6e9 AS hours_since_previous_session
FROM timed
WINDOW by_start AS (PARTITION BY user_id ORDER BY session_start, session_id)
