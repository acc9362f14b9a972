#!/usr/bin/env bash
# End-to-end pipeline benchmark: `streampro pipeline` beside DuckDB running the same
# pipeline in SQL (tools/duckdb/pipeline.mjs over bench/duckdb/*.sql) on the same landing
# files, in one run on one machine.
#
#   bench/pipeline.sh                      # 1M and 10M events
#   bench/pipeline.sh 300000 1000000       # chosen sizes
#   BENCH_ENGINES=duckdb bench/pipeline.sh # one engine only (streampro, duckdb)
#   BENCH_BINARY=build/x/apps/streampro/streampro bench/pipeline.sh   # another build
#   BENCH_ENGINES="streampro streampro-s3 streampro-s3-landing duckdb" bench/pipeline.sh 1000000
#
# The S3 engines run the same binary against a Ceph RADOS Gateway that the script starts on
# loopback (tests/storage/s3/rgw.sh, memstore: objects live in RAM) and stops at the end:
# streampro-s3 uploads the local landing files into an S3 lake; streampro-s3-landing first
# puts the landing files in the bucket (not timed) and has them copied server-side. The
# gateway shares the machine's cores with StreamPro, so its CPU time is in the wall time.
#
# Each size is generated once (streampro generate, dirty rate 0.02, like bench/generate.sh),
# then each engine runs under /usr/bin/time -v. Printed per engine: wall seconds of each
# stage, total wall, CPU seconds (user + system, all threads; steadier than the wall time
# when other work shares the cores), events/s and MB/s (landing bytes / total wall), peak
# RSS, and the speed ratio DuckDB wall / StreamPro wall.
#
# Stage times: StreamPro prints `stage <name> <seconds>` lines on stderr; DuckDB's runner
# prints `duckdb_step <name> <seconds>`. Both are summed per name. An engine that fails is
# reported as failed with the tail of its log; the other still runs.
#
# A ratio means something only if both engines computed the same answers: after DuckDB's
# run its report.json is compared with StreamPro's (tools/duckdb/compare-reports.mjs, the
# check of tests/e2e/engines_agree_test.cpp) and the result printed under its row; the
# script exits 1 when they differ.
# Needs a release build (make release) and DuckDB (scripts/bootstrap --test).
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/time_v.sh
source "$root/bench/time_v.sh"
bin=${BENCH_BINARY:-$root/build/release/apps/streampro/streampro}
work=${BENCH_DIR:-$root/build/bench}
engines=${BENCH_ENGINES:-"streampro duckdb"}
date=2025-09-09
if [[ $# -gt 0 ]]; then sizes="$*"; else sizes=${BENCH_EVENTS:-"1000000 10000000"}; fi

[[ -x $bin ]] || { echo "bench: build first: make release" >&2; exit 1; }
[[ -d $root/tools/duckdb/node_modules/@duckdb/node-api ]] ||
  { echo "bench: DuckDB missing: scripts/bootstrap --test" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "bench: /usr/bin/time (GNU time) is needed" >&2; exit 1; }
mkdir -p "$work"

rgw_dir=$work/rgw
if [[ $engines == *streampro-s3* ]]; then
  "$root/tests/storage/s3/rgw.sh" start "$rgw_dir" >"$work/rgw-start.log" 2>&1 ||
    { cat "$work/rgw-start.log" >&2; exit 1; }
  trap '"$root/tests/storage/s3/rgw.sh" stop "$rgw_dir" >/dev/null 2>&1' EXIT
  # shellcheck disable=SC1091
  while IFS='=' read -r key value; do
    case $key in
      ENDPOINT) export MINIO_ENDPOINT=$value ;;
      ACCESS_KEY) export MINIO_ACCESS_KEY=$value AWS_ACCESS_KEY_ID=$value ;;
      SECRET_KEY) export MINIO_SECRET_KEY=$value AWS_SECRET_ACCESS_KEY=$value ;;
    esac
  done <"$rgw_dir/env"
  export AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
  s3() { /usr/bin/aws --endpoint-url "$MINIO_ENDPOINT" s3 "$@"; }
  s3 mb s3://bench >/dev/null || exit 1
fi

# Runs "$@" under /usr/bin/time -v with output in $log; sets $wall and $cpu (s), $rss (MiB),
# $rc.
measure() {
  local log=$1
  shift
  /usr/bin/time -v -o "$log.time" "$@" >"$log" 2>&1
  rc=$?
  read_time_v "$log.time"
}

# "name=seconds ..." from the timing lines of a log: stage_lines LOG PREFIX
stage_lines() {
  awk -v prefix="$2" '$1 == prefix && NF >= 3 && $3 + 0 == $3 { t[$2] += $3; if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 } }
    END { for (i = 1; i <= n; i++) printf "%s%s=%.2f", (i > 1 ? " " : ""), order[i], t[order[i]] }' "$1"
}

status=0
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(date -u +%Y-%m-%dT%H:%MZ)"
echo "streampro: $bin"
printf "%-10s %11s %9s %8s %8s %12s %8s %9s %7s  %s\n" engine events "land MB" "wall s" \
  "cpu s" "events/s" "MB/s" "peak MiB" ratio "stages (s)"
for n in $sizes; do
  landing=$work/pipeline-landing-$n
  rm -rf "$landing"
  "$bin" generate --out "$landing" --events "$n" --date "$date" >"$work/generate-$n.log" 2>&1 ||
    { cat "$work/generate-$n.log" >&2; exit 1; }
  events=$(sed -n 's/.*"events": {"rows_in": \([0-9]*\).*/\1/p' "$landing/truth.json")
  bytes=$(cat "$landing"/*_"$date".* | wc -c)
  ours_wall=""
  ours_report=""
  for engine in $engines; do
    lake=$work/pipeline-lake-$engine-$n
    log=$work/pipeline-$engine-$n.log
    rm -rf "$lake"
    case $engine in
      streampro)
        measure "$log" "$bin" pipeline --landing "$landing" --lake "$lake" \
          --ingestion-date "$date"
        stages=$(stage_lines "$log" stage)
        spill=$(awk '$1 == "spill" { b += $3 } END { printf "%.0f", b / 1e6 }' "$log")
        stages="$stages spill_MB=$spill" ;;
      streampro-s3)
        measure "$log" "$bin" pipeline --landing "$landing" --lake "s3://bench/lake-$n" \
          --ingestion-date "$date"
        stages=$(stage_lines "$log" stage)
        mkdir -p "$lake/reports/ingestion_date=$date"
        s3 cp --only-show-errors "s3://bench/lake-$n/reports/ingestion_date=$date/report.json" \
          "$lake/reports/ingestion_date=$date/report.json" ;;
      streampro-s3-landing)
        s3 cp --only-show-errors --recursive "$landing" "s3://bench/landing-$n" || exit 1
        measure "$log" "$bin" pipeline --landing "s3://bench/landing-$n" \
          --lake "s3://bench/lake-landing-$n" --ingestion-date "$date"
        stages=$(stage_lines "$log" stage)
        mkdir -p "$lake/reports/ingestion_date=$date"
        s3 cp --only-show-errors \
          "s3://bench/lake-landing-$n/reports/ingestion_date=$date/report.json" \
          "$lake/reports/ingestion_date=$date/report.json" ;;
      duckdb)
        measure "$log" node "$root/tools/duckdb/pipeline.mjs" --landing "$landing" \
          --date "$date" --out "$lake"
        stages=$(stage_lines "$log" duckdb_step) ;;
      *) echo "bench: unknown engine $engine" >&2; exit 2 ;;
    esac
    if [[ $rc -ne 0 ]]; then
      printf "%-10s %11d %9.1f %8s  failed (exit %d), log %s:\n" "$engine" "$events" \
        "$(awk -v b="$bytes" 'BEGIN { print b / 1e6 }')" "$wall" "$rc" "$log"
      tail -n 5 "$log" | sed 's/^/    /'
      continue
    fi
    [[ -n $stages ]] || stages="(no stage lines)"
    report=$lake/reports/ingestion_date=$date/report.json
    [[ $engine == duckdb ]] && report=$lake/report.json
    [[ -s $report ]] || stages="$stages; no report.json written"
    ratio="-"
    if [[ $engine == streampro-s3* && -n $ours_wall ]]; then
      ratio=$(awk -v d="$wall" -v o="$ours_wall" 'BEGIN { if (o >= 0.01) printf "%.2fx", d / o; else print "-" }')
    elif [[ $engine == streampro ]]; then
      ours_wall=$wall
      [[ -s $report ]] && ours_report=$report
    elif [[ -n $ours_wall ]]; then
      ratio=$(awk -v d="$wall" -v o="$ours_wall" 'BEGIN { if (o >= 0.01) printf "%.2fx", d / o; else print "-" }')
    fi
    awk -v engine="$engine" -v events="$events" -v bytes="$bytes" -v wall="$wall" \
        -v cpu="$cpu" -v rss="$rss" -v ratio="$ratio" -v stages="$stages" 'BEGIN {
      if (wall < 0.01) { printf "%-10s %11d %9.1f %8.2f %8.2f %12s %8s %9d %7s  %s\n", engine,
        events, bytes / 1e6, wall, cpu, "-", "-", rss, ratio, stages; exit }
      printf "%-10s %11d %9.1f %8.2f %8.2f %12.0f %8.1f %9d %7s  %s\n", engine, events,
        bytes / 1e6, wall, cpu, events / wall, bytes / wall / 1e6, rss, ratio, stages }'
    if [[ $engine == duckdb && -n $ours_report && -s $report ]]; then
      node "$root/tools/duckdb/compare-reports.mjs" "$ours_report" "$report" | sed 's/^/    /'
      [[ ${PIPESTATUS[0]} -eq 0 ]] || status=1
    fi
    # Only the report is read after this point; the rest of a local lake goes now, so that
    # 100M events (30 GB landing, 30 GB raw copy) fit on the disk beside the next engine.
    if [[ $engine == streampro && -d $lake ]]; then
      find "$lake" -mindepth 1 -maxdepth 1 ! -name reports -exec rm -rf {} +
    fi
  done
  rm -rf "$landing" "$work"/pipeline-lake-*-"$n"
done
echo "ratio = engine wall / StreamPro local wall (DuckDB above 1: StreamPro is faster;"
echo "        StreamPro on S3 above 1: S3 costs that much more than the local disk)"
exit $status
