-- user_journey for ingestion date D (SPEC §4, §5, §7; docs/metrics.md "user_journey").
--
-- Parameters (docs/engines.md, "The enriched stage in Trino SQL"):
--   ${user_sessions}   the user_sessions of D: the table's partition D, or
--                      user_sessions.sql as a subquery
--   ${users}           the newest trusted_users snapshot <= D: newest_snapshot.sql as a
--                      subquery
-- Columns: those of the user_journey table, in its order, without ingestion_date.
--
-- Rules:
-- * One row per user of the newest users snapshot <= D; users with sessions who are not in
--   it have no row.
-- * First and second session: session_number 1 and 2 (by start, then session_id).
-- * returned_within_3d: second start <= first start + 72 h (inclusive, exact in
--   microseconds); false with one session; null for a user without sessions.
-- * hours_to_second_session: double(microseconds between the starts) / 3.6e9.
-- * total_watch_seconds: the sessions' watch_seconds added in session_number order from
--   0.0; active_days: distinct UTC dates of session_start; last_seen: the latest
--   session_end.
-- * A user without sessions: session columns null, total_sessions 0,
--   total_watch_seconds 0.0, active_days 0.
-- One pass over the sessions: per user, the first and second session (session_number 1 and
-- 2: by start, then session_id) and the totals.
WITH activity AS (
  SELECT
    user_id,
    arbitrary(session_id) FILTER (WHERE session_number = 1) AS first_session_id,
    arbitrary(session_start) FILTER (WHERE session_number = 1) AS first_session_start,
    arbitrary(start_us) FILTER (WHERE session_number = 1) AS first_start_us,
    arbitrary(watch_seconds) FILTER (WHERE session_number = 1) AS first_session_watch_seconds,
    arbitrary(reached_30s) FILTER (WHERE session_number = 1) AS first_session_reached_30s,
    arbitrary(genre) FILTER (WHERE session_number = 1) AS first_session_genre,
    arbitrary(session_start) FILTER (WHERE session_number = 2) AS second_session_start,
    arbitrary(start_us) FILTER (WHERE session_number = 2) AS second_start_us,
    count(*) AS total_sessions,
    reduce(array_agg(watch_seconds ORDER BY session_number), 0e0,
           (total, x) -> total + x, total -> total) AS total_watch_seconds,
    CAST(count(DISTINCT CAST(at_timezone(session_start, 'UTC') AS date)) AS integer)
      AS active_days,
    max(session_end) AS last_seen
  FROM (
    SELECT
      s.*,
      date_diff('second', TIMESTAMP '1970-01-01 00:00:00 UTC',
                date_trunc('second', session_start)) * 1000000
        + CAST(substr(CAST(session_start AS varchar), 21, 6) AS bigint) AS start_us
    FROM ${user_sessions} s
  )
  GROUP BY user_id
)
SELECT
  u.user_id,
  u.signup_date,
  u.subscription_tier,
  u.age_group,
  u.gender,
  a.first_session_id,
  a.first_session_start,
  a.first_session_watch_seconds,
  a.first_session_reached_30s,
  a.first_session_genre,
  a.second_session_start,
  CAST(a.second_start_us - a.first_start_us AS double) / 3.6e9 AS hours_to_second_session,
  CASE
    WHEN a.first_session_id IS NULL THEN NULL
    WHEN a.second_session_start IS NULL THEN false
    ELSE a.second_start_us - a.first_start_us <= 259200000000
  END AS returned_within_3d,
  coalesce(a.total_sessions, 0) AS total_sessions,
  coalesce(a.total_watch_seconds, 0e0) AS total_watch_seconds,
  coalesce(a.active_days, 0) AS active_days,
  a.last_seen
FROM ${users} u
LEFT JOIN activity a ON a.user_id = u.user_id
