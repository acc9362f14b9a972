-- device_analytics for ingestion date D, up to the z statistic (SPEC §5 Q3, §7;
-- docs/metrics.md "device_analytics").
--
-- Parameters (docs/engines.md, "The enriched stage in Trino SQL"):
--   ${user_sessions}   the user_sessions of D: the table's partition D, or
--                      user_sessions.sql as a subquery
--   ${min_sessions}    sessions a segment needs to be tested (setting
--                      STREAMPRO_MIN_SEGMENT_SESSIONS, default 30)
-- Columns: those of the device_analytics table, in its order, without ingestion_date and
-- without p_value, q_value and abnormal (see below).
--
-- Rules:
-- * A drop-off is a session with watch_seconds < 30. Segments: every non-null device_os,
--   every non-null app_version, every pair of both non-null. The rest of a segment is every
--   other session of D's user_sessions, nulls included.
-- * rest_rate and lift (drop_off_rate / rest_rate) when the rest is not empty; lift null
--   when rest_rate is 0. Tested: sessions >= min_sessions and a non-empty rest.
-- * z (tested segments only): one-sided pooled two-proportion test,
--     pooled = (d1 + d2) / (n1 + n2), se = sqrt(pooled*(1 - pooled)*(1/n1 + 1/n2)),
--     z = (rate - rest_rate) / se, and z = 0 when se = 0.
-- * Not here: p_value = erfc(z / sqrt(2)) / 2, Benjamini-Hochberg q_value over all tested
--   segments, and abnormal. Trino has no erfc, and its normal_cdf computes
--   0.5 * (1 + erf(x)), which loses every digit of a p-value below about 1e-16 and differs
--   in the last bits elsewhere; so the segment table (one row per segment, small) is
--   fetched and finished in C++ by the statistics of src/enrich (one definition, the same
--   doubles as the embedded engine).
-- One pass over the sessions: the total (both columns grouped away), per device_os, per
-- app_version and per pair.
WITH counts AS (
  SELECT
    device_os,
    app_version,
    grouping(device_os, app_version) AS grouped_away,  -- bit 1: device_os, bit 0: app_version
    count(*) AS sessions,
    count_if(watch_seconds < 30e0) AS drop_offs
  FROM ${user_sessions}
  GROUP BY GROUPING SETS ((), (device_os), (app_version), (device_os, app_version))
),
with_totals AS (
  SELECT
    c.*,
    max(IF(grouped_away = 3, sessions)) OVER () AS total_sessions,
    max(IF(grouped_away = 3, drop_offs)) OVER () AS total_drop_offs
  FROM counts c
),
segments AS (
  SELECT
    CASE grouped_away
      WHEN 1 THEN 'device_os'
      WHEN 2 THEN 'app_version'
      ELSE 'device_os x app_version'
    END AS dimension,
    CASE grouped_away
      WHEN 1 THEN device_os
      WHEN 2 THEN app_version
      ELSE device_os || ' x ' || app_version
    END AS segment,
    device_os,
    app_version,
    sessions,
    drop_offs,
    total_sessions,
    total_drop_offs
  FROM with_totals
  WHERE (grouped_away = 1 AND device_os IS NOT NULL)
     OR (grouped_away = 2 AND app_version IS NOT NULL)
     OR (grouped_away = 0 AND device_os IS NOT NULL AND app_version IS NOT NULL)
),
rates AS (
  SELECT
    s.*,
    CAST(s.drop_offs AS double) / s.sessions AS drop_off_rate,
    s.total_sessions - s.sessions AS rest_sessions,
    s.total_drop_offs - s.drop_offs AS rest_drop_offs,
    IF(s.total_sessions > s.sessions,
       CAST(s.total_drop_offs - s.drop_offs AS double) / (s.total_sessions - s.sessions))
      AS rest_rate,
    s.sessions >= ${min_sessions} AND s.total_sessions > s.sessions AS tested,
    CAST(s.total_drop_offs AS double) / s.total_sessions AS pooled
  FROM segments s
),
errors AS (
  SELECT
    r.*,
    IF(tested, sqrt(pooled * (1 - pooled)
                    * (1 / CAST(sessions AS double) + 1 / CAST(rest_sessions AS double))))
      AS se
  FROM rates r
)
SELECT
  dimension,
  segment,
  device_os,
  app_version,
  sessions,
  drop_offs,
  drop_off_rate,
  rest_sessions,
  rest_drop_offs,
  rest_rate,
  IF(rest_rate <> 0e0, drop_off_rate / rest_rate) AS lift,
  CASE WHEN NOT tested THEN NULL WHEN se = 0e0 THEN 0e0 ELSE (drop_off_rate - rest_rate) / se END
    AS z,
  tested
FROM errors
