#!/usr/bin/env bash
# Landing-data generator throughput, beside DuckDB writing the same number of JSON lines
# of the same shape (COPY ... TO ... (FORMAT JSON)) on the same machine, in one run.
#
#   bench/generate.sh                      # 1M and 10M events
#   BENCH_EVENTS="1000000" bench/generate.sh
#
# Prints wall time, MB/s and events/s of JSONL written, and peak RSS, for both.
# Needs a release build (make release) and npm for DuckDB (installed on first use).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/build/release/apps/streampro/streampro
work=${BENCH_DIR:-$root/build/bench}
sizes=${BENCH_EVENTS:-"1000000 10000000"}
duckdb_tools=$root/tools/duckdb

[[ -x $bin ]] || { echo "bench: build first: make release" >&2; exit 1; }
[[ -d $duckdb_tools/node_modules/@duckdb/node-api ]] ||
  { echo "bench: DuckDB missing: scripts/bootstrap --test" >&2; exit 1; }
mkdir -p "$work"

# Runs a command under /usr/bin/time; sets $wall (s) and $rss (MiB).
measure() {
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$work/last.log" 2>&1 ||
    { cat "$work/last.log" >&2; exit 1; }
  read -r wall rss_kib <"$work/time.txt"
  rss=$((rss_kib / 1024))
}

row() {  # engine events bytes wall rss
  awk -v engine="$1" -v events="$2" -v bytes="$3" -v wall="$4" -v rss="$5" 'BEGIN {
    printf "%-10s %12d %10.1f %8.2f %10.1f %14.0f %10d\n", engine, events, bytes / 1e6, wall,
      bytes / wall / 1e6, events / wall, rss }'
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(date -u +%Y-%m-%dT%H:%MZ)"
printf "%-10s %12s %10s %8s %10s %14s %10s\n" engine events "JSONL MB" "wall s" "MB/s" "events/s" "peak MiB"
for n in $sizes; do
  out=$work/generate-$n
  rm -rf "$out"
  measure "$bin" generate --out "$out" --events "$n"
  bytes=$(stat -c %s "$out"/events_*.jsonl)
  events=$(sed -n 's/.*"clean": {.*"events": \([0-9]*\)}.*/\1/p' "$out/truth.json")
  row streampro "$events" "$bytes" "$wall" "$rss"
  rm -rf "$out"

  json=$work/duckdb-$n.jsonl
  cat >"$work/duckdb.sql" <<SQL
COPY (
  SELECT strftime(TIMESTAMP '2025-09-05 00:00:00' + to_milliseconds(i * 4999),
                  '%Y-%m-%dT%H:%M:%S.%gZ') AS "timestamp",
         'acct_' || (i // 140) AS account_id,
         'user_' || (i // 140) AS user_id,
         'user_' || (i // 140) || '_sess_' || (i // 14 % 10) || '_' || (i % 5 + 1) AS session_id,
         (['session_start', 'play', 'watch_time', 'watch_time', 'watch_time', 'pause',
           'session_end'])[i % 7 + 1] AS event_name,
         'video_' || (i % 20 + 1) AS video_id,
         (i % 600) / 2.0 AS value,
         'device_' || (i % 5 + 1) AS device,
         (['Android', 'iOS', 'Web'])[i % 3 + 1] AS device_os,
         (['4.1.0', '4.2.0', '4.2.1', '4.3.0'])[i % 4 + 1] AS app_version,
         (['wifi', 'cellular', 'ethernet'])[i % 3 + 1] AS network_type,
         '198.51.100.' || (i % 256) AS ip,
         (['US', 'BR', 'GB', 'DE'])[i % 4 + 1] AS country
  FROM range($events) t(i)
) TO '$json' (FORMAT JSON);
SQL
  measure node "$duckdb_tools/run-sql.mjs" "$work/duckdb.sql"
  row duckdb "$events" "$(stat -c %s "$json")" "$wall" "$rss"
  rm -f "$json"
done
