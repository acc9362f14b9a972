-- genre_performance for ingestion date D (SPEC §5 Q2, §7; docs/metrics.md
-- "genre_performance").
--
-- Parameters (docs/engines.md, "The enriched stage in Trino SQL"):
--   ${user_journey}   the user_journey of D: the table's partition D, or user_journey.sql
--                     as a subquery
-- Columns: those of the genre_performance table, in its order, without ingestion_date.
--
-- Rules:
-- * One row per first-session genre of the new users (users with a first session),
--   'Unknown' included.
-- * retention_rate = returned_within_3d / new_users; ci_low, ci_high: the Wilson 95%
--   interval (z = 1.959963984540054), clamped to [0, 1], with the operations in the order
--   of docs/metrics.md so that every double is the same:
--     p = x / n, d = 1 + z*z / n, center = (p + z*z / (2*n)) / d,
--     half = z * sqrt(p*(1 - p) / n + z*z / (4*n*n)) / d.
-- * avg_first_session_watch_seconds: the first sessions' watch_seconds added in user_id
--   order from 0.0, divided by new_users. The embedded engine adds them per user bucket
--   and then the buckets in order: the same double when the lake's enriched stage ran in
--   one bucket, possibly a last-bit difference with several (docs/engines.md).
-- * rank: genres other than 'Unknown' by retention_rate descending, then new_users
--   descending, then genre; 'Unknown' has none.
WITH counts AS (
  SELECT
    first_session_genre AS genre,
    count(*) AS new_users,
    count_if(returned_within_3d) AS returned_within_3d,
    reduce(array_agg(first_session_watch_seconds ORDER BY user_id), 0e0,
           (total, x) -> total + x, total -> total) AS watch_seconds_sum
  FROM ${user_journey}
  WHERE first_session_id IS NOT NULL
  GROUP BY first_session_genre
),
wilson AS (
  SELECT
    c.*,
    CAST(returned_within_3d AS double) / new_users AS p,
    CAST(new_users AS double) AS n,
    1.959963984540054e0 AS z
  FROM counts c
),
bounds AS (
  SELECT
    w.*,
    (p + z * z / (2 * n)) / (1 + z * z / n) AS center,
    z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n) AS half
  FROM wilson w
)
SELECT
  genre,
  new_users,
  returned_within_3d,
  p AS retention_rate,
  greatest(0e0, least(1e0, center - half)) AS ci_low,
  greatest(0e0, least(1e0, center + half)) AS ci_high,
  watch_seconds_sum / n AS avg_first_session_watch_seconds,
  CASE
    WHEN genre <> 'Unknown' THEN CAST(row_number() OVER (
      PARTITION BY genre = 'Unknown' ORDER BY p DESC, new_users DESC, genre) AS integer)
  END AS rank
FROM bounds
