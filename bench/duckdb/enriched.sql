-- Enriched tables by SPEC §4/§5/§7 over trusted_events, trusted_users, trusted_videos:
-- user_sessions, user_journey, genre_performance, and device_segments (the Q3 counts and
-- z of every segment; p, q and abnormal are added by the runner, see pipeline.mjs).
-- Parameter: {{min_sessions}} (integer). Input order is source_line (one date).

CREATE OR REPLACE MACRO sp_us_between(a, b) AS epoch_us(b) - epoch_us(a);
-- Wilson 95% interval of k successes in n, as proportions.
CREATE OR REPLACE MACRO sp_wilson_z() AS 1.959963984540054::DOUBLE;
CREATE OR REPLACE MACRO sp_wilson_center(k, n) AS
  (k::DOUBLE / n + sp_wilson_z() * sp_wilson_z() / (2.0 * n))
  / (1.0 + sp_wilson_z() * sp_wilson_z() / n);
CREATE OR REPLACE MACRO sp_wilson_half(k, n) AS
  sp_wilson_z() * sqrt((k::DOUBLE / n) * (1.0 - k::DOUBLE / n) / n
                       + sp_wilson_z() * sp_wilson_z() / (4.0 * n * n))
  / (1.0 + sp_wilson_z() * sp_wilson_z() / n);

-- One grouping of the events per session gives its bounds, counts, watch seconds, the
-- attributes of its earliest event and the genre of its earliest event with a video (ties:
-- event_name, then input order); a second, over watch_time events, gives the seconds per
-- genre. Kept events with a video_id have a known one (unknown_video), so genre IS NOT
-- NULL means "with a video".
--
-- Watch seconds are a sequential double sum in input order (as our pipeline adds them).
-- Ordering an aggregate makes DuckDB sort every group, so the sums are first taken in any
-- order: when all of a session's watch values are multiples of 2^-10 (they lie in
-- 0..86400) and its total is below 2^43, every partial sum in any order is a multiple of
-- 2^-10 below 2^43, hence exact, and the order cannot change the result (per genre
-- too). Only the other sessions are summed again in input order.
CREATE OR REPLACE MACRO sp_on_grid(x) AS x * 1024 = floor(x * 1024);

CREATE OR REPLACE VIEW session_events AS
SELECT e.user_id, e.session_id, e."timestamp", e.event_name, e.value, e.source_line,
       e.device_os, e.app_version, e.device, e.network_type, e.country, v.genre,
       e.event_name = 'watch_time' AS is_watch,
       struct_pack(e."timestamp", e.event_name, e.source_line) AS event_order
FROM trusted_events e LEFT JOIN trusted_videos v USING (video_id);

CREATE OR REPLACE TEMP TABLE session_totals AS
SELECT user_id, session_id,
       min("timestamp") AS session_start, max("timestamp") AS session_end,
       count(*) AS event_count,
       coalesce(sum(value) FILTER (WHERE is_watch), 0.0) AS watch_seconds,
       coalesce(bool_and(sp_on_grid(value)) FILTER (WHERE is_watch), true)
         AND coalesce(sum(value) FILTER (WHERE is_watch), 0.0) < 8796093022208.0  -- 2^43
         AS sums_exact,
       arg_min(struct_pack(device_os, app_version, device, network_type, country),
               event_order) AS first_event,
       arg_min(genre, event_order) FILTER (WHERE genre IS NOT NULL) AS first_genre
FROM session_events
GROUP BY user_id, session_id;

CREATE OR REPLACE TEMP TABLE session_genre_seconds AS
SELECT user_id, session_id, genre, sum(value) AS seconds
FROM session_events
WHERE is_watch AND genre IS NOT NULL
GROUP BY user_id, session_id, genre;

-- The sessions whose sums could depend on the order, summed again in input order.
CREATE OR REPLACE TEMP TABLE inexact_watch_events AS
SELECT e.user_id, e.session_id, e.genre, e.value, e.source_line
FROM (SELECT user_id, session_id FROM session_totals WHERE NOT sums_exact) t
JOIN session_events e USING (user_id, session_id)
WHERE e.is_watch;

UPDATE session_totals t SET watch_seconds = o.watch_seconds
FROM (SELECT user_id, session_id, sum(value ORDER BY source_line) AS watch_seconds
      FROM inexact_watch_events GROUP BY user_id, session_id) o
WHERE t.user_id = o.user_id AND t.session_id = o.session_id;

UPDATE session_genre_seconds g SET seconds = o.seconds
FROM (SELECT user_id, session_id, genre, sum(value ORDER BY source_line) AS seconds
      FROM inexact_watch_events WHERE genre IS NOT NULL GROUP BY user_id, session_id, genre) o
WHERE g.user_id = o.user_id AND g.session_id = o.session_id AND g.genre = o.genre;

CREATE OR REPLACE TABLE user_sessions AS
WITH top_genres AS (
  -- the most seconds, ties alphabetical; only genres with more than 0 s
  SELECT user_id, session_id,
         arg_min(genre, struct_pack(negative_seconds := -seconds, genre)) AS genre
  FROM session_genre_seconds
  WHERE seconds > 0
  GROUP BY user_id, session_id
)
SELECT t.user_id, t.session_id,
       row_number() OVER user_order AS session_number,
       t.session_start, t.session_end,
       sp_us_between(t.session_start, t.session_end) / 1e6 AS duration_seconds,
       t.event_count, t.watch_seconds,
       coalesce(g.genre, t.first_genre, 'Unknown') AS genre,
       t.first_event.device_os, t.first_event.app_version, t.first_event.device,
       t.first_event.network_type, t.first_event.country,
       t.watch_seconds >= 30 AS reached_30s,
       sp_us_between(lag(t.session_start) OVER user_order, t.session_start) / 3.6e9
         AS hours_since_previous_session
FROM session_totals t
LEFT JOIN top_genres g USING (user_id, session_id)
WINDOW user_order AS (PARTITION BY t.user_id ORDER BY t.session_start, t.session_id)
ORDER BY t.user_id, session_number;

CREATE OR REPLACE TABLE user_journey AS
WITH activity AS (
  SELECT user_id, count(*) AS total_sessions,
         sum(watch_seconds ORDER BY session_number) AS total_watch_seconds,
         count(DISTINCT session_start::DATE) AS active_days,
         max(session_end) AS last_seen
  FROM user_sessions
  GROUP BY user_id
)
SELECT u.user_id, u.signup_date, u.subscription_tier, u.age_group,
       s1.session_id AS first_session_id, s1.session_start AS first_session_start,
       s1.watch_seconds AS first_session_watch_seconds,
       s1.reached_30s AS first_session_reached_30s, s1.genre AS first_session_genre,
       s2.session_start AS second_session_start,
       sp_us_between(s1.session_start, s2.session_start) / 3.6e9 AS hours_to_second_session,
       CASE WHEN s1.session_id IS NOT NULL THEN
         coalesce(sp_us_between(s1.session_start, s2.session_start) <= 259200000000::BIGINT,  -- 72 h in µs
                  false)
       END AS returned_within_3d,
       a.total_sessions, a.total_watch_seconds, a.active_days, a.last_seen
FROM trusted_users u
LEFT JOIN user_sessions s1 ON s1.user_id = u.user_id AND s1.session_number = 1
LEFT JOIN user_sessions s2 ON s2.user_id = u.user_id AND s2.session_number = 2
LEFT JOIN activity a ON a.user_id = u.user_id
ORDER BY u.user_id;

CREATE OR REPLACE TABLE genre_performance AS
WITH counts AS (
  SELECT first_session_genre AS genre, count(*) AS new_users,
         count(*) FILTER (WHERE returned_within_3d) AS returned_within_3d,
         sum(first_session_watch_seconds ORDER BY user_id) / count(*)
           AS avg_first_session_watch_seconds
  FROM user_journey
  WHERE first_session_id IS NOT NULL
  GROUP BY first_session_genre
)
SELECT genre, new_users, returned_within_3d,
       returned_within_3d::DOUBLE / new_users AS retention_rate,
       sp_wilson_center(returned_within_3d, new_users)
         - sp_wilson_half(returned_within_3d, new_users) AS ci_low,
       sp_wilson_center(returned_within_3d, new_users)
         + sp_wilson_half(returned_within_3d, new_users) AS ci_high,
       avg_first_session_watch_seconds,
       CASE WHEN genre <> 'Unknown' THEN
         row_number() OVER (PARTITION BY genre = 'Unknown'
                            ORDER BY returned_within_3d::DOUBLE / new_users DESC,
                                     new_users DESC, genre)
       END AS rank
FROM counts
ORDER BY rank NULLS LAST, genre;

-- Q3: every segment of device_os, app_version and the pair (null parts are not segments),
-- against all other sessions; pooled two-proportion z (standard error 0 gives z = 0).
CREATE OR REPLACE TABLE device_segments AS
WITH sessions AS (
  SELECT device_os, app_version, watch_seconds < 30 AS drop_off FROM user_sessions
),
overall AS (
  SELECT count(*) AS sessions, count(*) FILTER (WHERE drop_off) AS drop_offs FROM sessions
),
segments AS (
  SELECT 'device_os' AS dimension, device_os, NULL::VARCHAR AS app_version,
         count(*) AS sessions, count(*) FILTER (WHERE drop_off) AS drop_offs
  FROM sessions WHERE device_os IS NOT NULL GROUP BY device_os
  UNION ALL
  SELECT 'app_version', NULL, app_version, count(*), count(*) FILTER (WHERE drop_off)
  FROM sessions WHERE app_version IS NOT NULL GROUP BY app_version
  UNION ALL
  SELECT 'device_os x app_version', device_os, app_version, count(*),
         count(*) FILTER (WHERE drop_off)
  FROM sessions WHERE device_os IS NOT NULL AND app_version IS NOT NULL
  GROUP BY device_os, app_version
),
rates AS (
  SELECT s.*,
         s.drop_offs::DOUBLE / s.sessions AS drop_off_rate,
         CASE WHEN o.sessions > s.sessions THEN
           (o.drop_offs - s.drop_offs)::DOUBLE / (o.sessions - s.sessions) END AS rest_rate,
         o.drop_offs::DOUBLE / o.sessions AS pooled_rate,
         o.sessions - s.sessions AS rest_sessions,
         s.sessions >= {{min_sessions}} AND o.sessions > s.sessions AS tested
  FROM segments s, overall o
)
SELECT dimension, device_os, app_version, sessions, drop_offs, drop_off_rate, rest_rate,
       CASE WHEN rest_rate > 0 THEN drop_off_rate / rest_rate END AS lift,
       CASE WHEN tested AND standard_error > 0
            THEN (drop_off_rate - rest_rate) / standard_error
            WHEN tested THEN 0.0 END AS z,
       tested AND standard_error = 0 AS zero_standard_error,
       tested
FROM (SELECT *,
             sqrt(pooled_rate * (1 - pooled_rate) * (1.0 / sessions + 1.0 / rest_sessions))
               AS standard_error
      FROM rates)
ORDER BY dimension, device_os NULLS FIRST, app_version NULLS FIRST;
