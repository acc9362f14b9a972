-- The inputs of the report's Q1-Q3 for ingestion date D that are not rows of the enriched
-- tables (SPEC §5, §6; docs/metrics.md "The report"): one row.
--
-- Parameters (docs/engines.md, "The enriched stage in Trino SQL"):
--   ${user_journey}    the user_journey of D (table partition or user_journey.sql)
--   ${user_sessions}   the user_sessions of D (table partition or user_sessions.sql)
-- Columns: new_users, reached_30s, never_active (Q1), sessions, drop_offs (Q3 totals).
--
-- Q3's totals are those of device_analytics (sessions + rest_sessions of any row), hence 0
-- when no session has a device_os or an app_version (the table is then empty).
--
-- Q1's percentage and Wilson interval follow from the counts in C++ (the report does the
-- same from the embedded tables); Q2 is the genre_performance rows, Q3 the device_analytics
-- rows finished in C++ (device_analytics.sql).
SELECT
  j.new_users,
  j.reached_30s,
  j.never_active,
  s.sessions,
  s.drop_offs
FROM (
  SELECT
    count_if(first_session_id IS NOT NULL) AS new_users,
    count_if(first_session_reached_30s) AS reached_30s,
    count_if(first_session_id IS NULL) AS never_active
  FROM ${user_journey}
) j
CROSS JOIN (
  SELECT
    IF(has_segments, sessions, 0) AS sessions,
    IF(has_segments, drop_offs, 0) AS drop_offs
  FROM (
    SELECT
      count(*) AS sessions,
      count_if(watch_seconds < 30e0) AS drop_offs,
      count_if(device_os IS NOT NULL OR app_version IS NOT NULL) > 0 AS has_segments
    FROM ${user_sessions}
  )
) s
