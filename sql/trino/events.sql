-- The input of the enriched stage for ingestion date D (SPEC §3, §7; docs/metrics.md
-- "Inputs"): every trusted event of every date <= D, duplicates across dates dropped, each
-- with the genre of its video in the newest videos snapshot <= D.
--
-- Parameters (docs/engines.md, "The enriched stage in Trino SQL"):
--   ${date}     D, as YYYY-MM-DD
--   ${videos}   the newest trusted_videos snapshot <= D: newest_snapshot.sql as a
--               subquery
-- Tables: trusted_events, in the session's catalog and schema (the lake's Iceberg tables:
-- iceberg.streampro).
--
-- Columns: user_id, session_id, timestamp, event_name, video_id, value, device_os,
-- app_version, device, network_type, country, ingestion_date, source_line, genre.
--
-- Rules:
-- * Duplicates (SPEC §7): the same user_id, session_id, timestamp (the instant), event_name,
--   video_id and value, nulls equal to nulls, -0.0 equal to 0.0. The earliest occurrence
--   in input order (ingestion_date, then source_line) is kept. Within one date the trusted
--   stage has dropped them already.
-- * A video_id that is null or not in the newest videos snapshot <= D has no genre (null).
WITH occurrences AS (
  SELECT
    e.*,
    row_number() OVER (
      PARTITION BY user_id, session_id, "timestamp", event_name, video_id,
                   IF(value = 0e0, 0e0, value)
      ORDER BY ingestion_date, source_line
    ) AS occurrence
  FROM trusted_events e
  WHERE ingestion_date <= DATE '${date}'
)
SELECT
  o.user_id, o.session_id, o."timestamp", o.event_name, o.video_id, o.value, o.device_os,
  o.app_version, o.device, o.network_type, o.country, o.ingestion_date, o.source_line,
  v.genre
FROM occurrences o
LEFT JOIN ${videos} v ON v.video_id = o.video_id
WHERE o.occurrence = 1
