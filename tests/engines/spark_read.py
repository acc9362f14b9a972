"""Spark's view of a StreamPro lake, for tests/engines/interop_test.cpp.

    spark_read.py DDL_FILE LAKE_DIR DATE

Runs `streampro ddl --engine spark` (DDL_FILE) statement by statement in a local[2]
session with the UTC session zone, then prints one JSON object on stdout:
  counts[table][ingestion_date]   rows per partition through the declared tables
  discovered[table]               {"rows": n, "partition_type": "date"} from
                                  spark.read.<format>(table folder), Spark's own partition
                                  discovery without our DDL (Parquet tables)
  events[source_line]             "YYYY-MM-DD HH:MM:SS.ffffff" of trusted_events on DATE,
                                  a sample: lines 1-20 and every 7th line
  sessions[session_id]            [session_number, watch_seconds, reached_30s] of
                                  user_sessions on DATE
"""

import json
import os
import sys

from pyspark.sql import SparkSession


def main():
    ddl_file, lake, date = sys.argv[1:4]
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("streampro-interop")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.warehouse.dir", os.path.join(os.environ.get("TMPDIR", "/tmp"),
                                                        f"spark-warehouse-{os.getpid()}"))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    with open(ddl_file, encoding="utf-8") as f:
        text = "\n".join(line for line in f.read().splitlines() if not line.startswith("--"))
    tables = []  # (name, provider, location), read from the DDL
    for statement in text.split(";"):
        statement = statement.strip()
        if not statement:
            continue
        spark.sql(statement)
        if statement.startswith("CREATE TABLE"):
            name = statement.split("`.`")[1].split("`")[0]
            provider = statement.split("\nUSING ")[1].split()[0].lower()
            location = statement.split("\nLOCATION '")[1].split("'")[0]
            tables.append((name, provider, location))
    schema = text.split("CREATE DATABASE IF NOT EXISTS `")[1].split("`")[0]

    result = {"counts": {}, "discovered": {}, "events": {}, "sessions": {}}
    # One job for every table's counts: each Spark job costs a second or more here.
    counts = spark.sql(" UNION ALL ".join(
        f"SELECT '{table}' AS t, CAST(ingestion_date AS STRING) AS d, count(*) AS n "
        f"FROM `{schema}`.`{table}` GROUP BY 2" for table, _, _ in tables)).collect()
    for table, _, _ in tables:
        result["counts"][table] = {}
    for row in counts:
        result["counts"][row["t"]][row["d"]] = row["n"]
    for table, provider, location in tables:
        if provider == "parquet":
            frame = spark.read.parquet(location)
            result["discovered"][table] = {
                "rows": frame.count(),
                "partition_type": frame.schema["ingestion_date"].dataType.simpleString(),
            }

    for row in spark.sql(
            f"SELECT source_line, date_format(`timestamp`, 'yyyy-MM-dd HH:mm:ss.SSSSSS') AS ts "
            f"FROM `{schema}`.trusted_events WHERE ingestion_date = DATE '{date}' "
            f"AND (source_line % 7 = 0 OR source_line <= 20)").collect():
        result["events"][str(row["source_line"])] = row["ts"]
    for row in spark.sql(
            f"SELECT session_id, session_number, watch_seconds, reached_30s "
            f"FROM `{schema}`.user_sessions WHERE ingestion_date = DATE '{date}'").collect():
        result["sessions"][row["session_id"]] = [
            row["session_number"], row["watch_seconds"], row["reached_30s"]]
    spark.stop()
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
