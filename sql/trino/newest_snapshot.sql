-- The newest snapshot <= D of a dimension table (SPEC §1, §3: "the newest snapshot with date
-- <= D"): the rows of its newest partition dated <= D. The partition is looked up in the
-- table's "$partitions" metadata table, so that a published snapshot without rows still
-- counts as the newest.
--
-- Parameters (docs/engines.md, "The enriched stage in Trino SQL"):
--   ${table}   trusted_users or trusted_videos, in the session's catalog and schema
--   ${date}    D, as YYYY-MM-DD
SELECT *
FROM ${table}
WHERE ingestion_date = (
  SELECT max("partition".ingestion_date)
  FROM "${table}$partitions"
  WHERE "partition".ingestion_date <= DATE '${date}'
)
