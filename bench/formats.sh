#!/usr/bin/env bash
# Reader and writer throughput beside DuckDB on the same files, same machine, same run:
#   JSONL -> columns    events file, ours (with the SPEC §7 checks) vs DuckDB read_json
#   CSV -> columns      a large users file, ours vs DuckDB read_csv
#   Parquet write       the parsed events, ours vs DuckDB COPY ... (FORMAT parquet), Snappy
#   Parquet read        the file each engine wrote, read back by ours and by DuckDB
#
#   bench/formats.sh                         # 1M events, 2M users
#   BENCH_EVENTS=10000000 bench/formats.sh
#
# Prints wall seconds of the timed step, MB/s, rows/s and the process's peak RSS.
# Needs a release build (make release) and DuckDB (scripts/bootstrap --test).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/build/release
streampro=$bin/apps/streampro/streampro
tool=$bin/bench/format_throughput
work=${BENCH_DIR:-$root/build/bench-formats}
events=${BENCH_EVENTS:-1000000}
users=${BENCH_USERS:-2000000}
duckdb="node $root/tools/duckdb/run-sql.mjs"

[[ -x $tool && -x $streampro ]] || { echo "bench: build first: make release" >&2; exit 1; }
[[ -d $root/tools/duckdb/node_modules/@duckdb/node-api ]] ||
  { echo "bench: DuckDB missing: scripts/bootstrap --test" >&2; exit 1; }
rm -rf "$work" && mkdir -p "$work"

# measure LOG CMD...: runs CMD under /usr/bin/time; sets $rss (MiB); output in LOG.
measure() {
  local log=$1; shift
  /usr/bin/time -f "%M" -o "$work/rss.txt" "$@" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
  rss=$(($(tail -1 "$work/rss.txt") / 1024))
}
ours_seconds() { sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' "$1"; }
duck_seconds() { sed -n 's/.*duckdb_seconds=\([0-9.]*\).*/\1/p' "$1"; }

row() {  # step engine seconds bytes rows rss
  awk -v step="$1" -v engine="$2" -v s="$3" -v bytes="$4" -v rows="$5" -v rss="$6" 'BEGIN {
    printf "%-15s %-9s %8.3f %9.1f %9.1f %13.0f %9d\n", step, engine, s, bytes / 1e6,
      bytes / s / 1e6, rows / s, rss }'
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(date -u +%Y-%m-%dT%H:%MZ)"
"$streampro" generate --out "$work/landing" --events "$events" --dirty-rate 0 >/dev/null
"$streampro" generate --out "$work/users" --users "$users" --events "$users" --dirty-rate 0 >/dev/null
jsonl=$(ls "$work"/landing/events_*.jsonl)
csv=$(ls "$work"/users/users_*.csv)
jsonl_bytes=$(stat -c %s "$jsonl")
csv_bytes=$(stat -c %s "$csv")
printf "%-15s %-9s %8s %9s %9s %13s %9s\n" step engine seconds MB MB/s rows/s "peak MiB"

event_columns="{timestamp: 'TIMESTAMPTZ', account_id: 'VARCHAR', video_id: 'VARCHAR',
  user_id: 'VARCHAR', event_name: 'VARCHAR', value: 'DOUBLE', device: 'VARCHAR',
  app_version: 'VARCHAR', device_os: 'VARCHAR', network_type: 'VARCHAR', ip: 'VARCHAR',
  country: 'VARCHAR', session_id: 'VARCHAR'}"
load_events="CREATE TABLE events AS SELECT * FROM read_json('$jsonl',
  format = 'newline_delimited', columns = $event_columns)"

# JSONL -> columns. Ours also checks users and videos (referential rules).
measure "$work/ours.log" "$tool" jsonl "$jsonl" $(ls "$work"/landing/users_*.csv) \
  $(ls "$work"/landing/videos_*.csv)
rows=$(sed -n 's/.* rows=\([0-9]*\).*/\1/p' "$work/ours.log")
row "jsonl->columns" streampro "$(ours_seconds "$work/ours.log")" "$jsonl_bytes" "$rows" "$rss"
echo "$load_events" >"$work/q.sql"
measure "$work/duck.log" $duckdb "$work/q.sql"
row "jsonl->columns" duckdb "$(duck_seconds "$work/duck.log")" "$jsonl_bytes" "$rows" "$rss"

# CSV -> columns.
measure "$work/ours.log" "$tool" csv "$csv" users
csv_rows=$(sed -n 's/.* rows=\([0-9]*\).*/\1/p' "$work/ours.log")
row "csv->columns" streampro "$(ours_seconds "$work/ours.log")" "$csv_bytes" "$csv_rows" "$rss"
cat >"$work/q.sql" <<SQL
CREATE TABLE users AS SELECT * FROM read_csv('$csv', header = true, columns = {
  user_id: 'VARCHAR', signup_date: 'DATE', subscription_tier: 'VARCHAR',
  age_group: 'VARCHAR', gender: 'VARCHAR'})
SQL
measure "$work/duck.log" $duckdb "$work/q.sql"
row "csv->columns" duckdb "$(duck_seconds "$work/duck.log")" "$csv_bytes" "$csv_rows" "$rss"

# Parquet write (Snappy): MB are the bytes of the Parquet file written.
measure "$work/ours.log" "$tool" parquet-write "$jsonl" "$work/ours.parquet" snappy
pq_bytes=$(stat -c %s "$work/ours.parquet")
row "parquet write" streampro "$(ours_seconds "$work/ours.log")" "$pq_bytes" "$rows" "$rss"
echo "$load_events" >"$work/setup.sql"
echo "COPY events TO '$work/duckdb.parquet' (FORMAT parquet, COMPRESSION snappy)" >"$work/q.sql"
measure "$work/duck.log" $duckdb "$work/q.sql" "$work/setup.sql"
duck_pq_bytes=$(stat -c %s "$work/duckdb.parquet")
row "parquet write" duckdb "$(duck_seconds "$work/duck.log")" "$duck_pq_bytes" "$rows" "$rss"

# Parquet read: each engine reads both files.
for f in ours duckdb; do
  bytes=$(stat -c %s "$work/$f.parquet")
  measure "$work/ours.log" "$tool" parquet-read "$work/$f.parquet"
  row "read $f.pq" streampro "$(ours_seconds "$work/ours.log")" "$bytes" "$rows" "$rss"
  echo "CREATE TABLE t AS SELECT * FROM read_parquet('$work/$f.parquet')" >"$work/q.sql"
  measure "$work/duck.log" $duckdb "$work/q.sql"
  row "read $f.pq" duckdb "$(duck_seconds "$work/duck.log")" "$bytes" "$rows" "$rss"
done
echo "MB/s: jsonl and csv of the input file; parquet of the Parquet file. Peak RSS includes"
echo "the untimed set-up (parsing the JSONL before a write); DuckDB's includes Node.js."
