#!/usr/bin/env bash
# The two engines of the enriched stage and the report on the same lake: the embedded
# engine beside Trino push-down (`--engine trino`, docs/engines.md), on this machine.
#
#   bench/engines.sh                  # 1M and 10M events
#   bench/engines.sh 300000 1000000   # chosen sizes
#   BENCH_TRINO_HEAP=16G BENCH_TRINO_QUERY_MEMORY=10GB bench/engines.sh   # Trino's memory
#
# For each size: one generated day (streampro generate, dirty rate 0.02), `streampro
# pipeline` with the embedded engine builds the lake and commits its Iceberg tables to a
# PostgreSQL catalog (tests/iceberg/postgres.sh, started here), then on that lake, in turn:
#   embedded  to-enriched, then report                  (the streampro process)
#   trino     to-enriched --engine trino, then report --engine trino
#             (streampro's own process, plus the Trino server's CPU seconds and peak RSS,
#             read from /proc: one single-node Trino 476 from scripts/trino-local, started
#             here on the same cores with BENCH_TRINO_HEAP of heap)
# Printed per engine and step: wall seconds, CPU seconds (user + system of all threads;
# for trino, streampro's plus the server's), peak RSS in MiB (for trino, the server's
# VmHWM, reset before each step, and streampro's), and whether the two report.json are the
# same bytes. Needs a release build (make release) and scripts/install-engines --iceberg
# (scripts/bootstrap --test).
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/time_v.sh
source "$root/bench/time_v.sh"
bin=${BENCH_BINARY:-$root/build/release/apps/streampro/streampro}
work=${BENCH_DIR:-$root/build/bench}/engines
heap=${BENCH_TRINO_HEAP:-16G}
query_memory=${BENCH_TRINO_QUERY_MEMORY:-10GB}
date=2025-09-09
if [[ $# -gt 0 ]]; then sizes="$*"; else sizes=${BENCH_EVENTS:-"1000000 10000000"}; fi

[[ -x $bin ]] || { echo "bench: build first: make release" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "bench: /usr/bin/time (GNU time) is needed" >&2; exit 1; }
mkdir -p "$work"

pg_dir=$work/postgres
trino_dir=$work/trino
stop_servers() {
  "$root/scripts/trino-local" stop --state "$trino_dir" >/dev/null 2>&1
  "$root/tests/iceberg/postgres.sh" stop "$pg_dir" >/dev/null 2>&1
}
trap stop_servers EXIT
"$root/tests/iceberg/postgres.sh" start "$pg_dir" >"$work/postgres.log" 2>&1 ||
  { cat "$work/postgres.log" >&2; exit 1; }
catalog=$(sed -n 's/^URI=//p' "$pg_dir/env")
psql=$(sed -n 's/^PSQL=//p' "$pg_dir/env")
pg_port=$(sed -n 's/^PORT=//p' "$pg_dir/env")
"$root/scripts/trino-local" start --state "$trino_dir" --lake "$work" --catalog "$catalog" \
  --heap "$heap" --query-memory "$query_memory" >"$work/trino.log" 2>&1 ||
  { cat "$work/trino.log" >&2; exit 1; }
trino_port=$(sed -n 's/^TRINO_PORT=//p' "$work/trino.log")
trino_pid=$(cat "$trino_dir/data/var/run/launcher.pid")
tr '\0' ' ' <"/proc/$trino_pid/cmdline" | grep -q io.trino.server.TrinoServer ||
  { echo "bench: $trino_pid is not Trino's JVM" >&2; exit 1; }
export STREAMPRO_CATALOG=$catalog TRINO_HOST=127.0.0.1 TRINO_PORT=$trino_port
ticks=$(getconf CLK_TCK)

# The Trino server's CPU seconds so far (user + system).
trino_cpu() { awk -v t="$ticks" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$trino_pid/stat"; }
# Its peak RSS (MiB) since the last reset_trino_peak.
trino_peak() { awk '/^VmHWM:/ { printf "%d", $2 / 1024 }' "/proc/$trino_pid/status"; }
reset_trino_peak() { echo 5 >"/proc/$trino_pid/clear_refs"; }

# Runs "$@" under /usr/bin/time -v, stdout to $out, stderr to $log; sets $wall, $cpu (s),
# $rss (MiB), $rc.
measure() {
  local out=$1 log=$2
  shift 2
  /usr/bin/time -v -o "$log.time" "$@" >"$out" 2>"$log"
  rc=$?
  read_time_v "$log.time"
}

status=0
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(date -u +%Y-%m-%dT%H:%MZ)"
echo "streampro: $bin; Trino 476 on 127.0.0.1:$trino_port, -Xmx$heap, query memory $query_memory"
printf "%-9s %11s %-12s %8s %8s %10s %10s %10s %10s\n" engine events step "wall s" "cpu s" \
  "ours cpu" "ours MiB" "trino cpu" "trino MiB"
for n in $sizes; do
  landing=$work/landing-$n
  lake=$work/lake-$n
  rm -rf "$landing" "$lake"
  "$bin" generate --out "$landing" --events "$n" --date "$date" >"$work/generate-$n.log" 2>&1 ||
    { cat "$work/generate-$n.log" >&2; exit 1; }
  events=$(sed -n 's/.*"events": {"rows_in": \([0-9]*\).*/\1/p' "$landing/truth.json")
  # One lake in the catalog at a time.
  "$psql" -h 127.0.0.1 -p "$pg_port" -U streampro -d streampro -q \
    -c "DROP TABLE IF EXISTS iceberg_tables, iceberg_namespace_properties" >/dev/null 2>&1
  "$bin" pipeline --landing "$landing" --lake "$lake" --ingestion-date "$date" --quiet \
    >"$work/pipeline-$n.log" 2>&1 || { tail -5 "$work/pipeline-$n.log" >&2; exit 1; }
  for engine in embedded trino; do
    for step in to-enriched report; do
      args=("$step" --lake "$lake" --ingestion-date "$date" --engine "$engine" --quiet)
      [[ $step == report ]] && args+=(--format json)
      out=$work/$engine-$step-$n.out
      log=$work/$engine-$step-$n.log
      cpu_before=$(trino_cpu)
      reset_trino_peak
      measure "$out" "$log" "$bin" "${args[@]}"
      trino_cpu_used=$(awk -v a="$(trino_cpu)" -v b="$cpu_before" 'BEGIN { printf "%.2f", a - b }')
      peak=$(trino_peak)
      if [[ $rc -ne 0 ]]; then
        printf "%-9s %11d %-12s failed (exit %d), log %s:\n" "$engine" "$events" "$step" "$rc" "$log"
        tail -n 5 "$log" | sed 's/^/    /'
        status=1
        continue
      fi
      total_cpu=$cpu
      [[ $engine == trino ]] &&
        total_cpu=$(awk -v a="$cpu" -v b="$trino_cpu_used" 'BEGIN { printf "%.2f", a + b }')
      printf "%-9s %11d %-12s %8.2f %8.2f %10.2f %10d %10s %10s\n" "$engine" "$events" "$step" \
        "$wall" "$total_cpu" "$cpu" "$rss" \
        "$([[ $engine == trino ]] && echo "$trino_cpu_used" || echo -)" \
        "$([[ $engine == trino ]] && echo "$peak" || echo -)"
    done
  done
  if cmp -s "$work/embedded-report-$n.out" "$work/trino-report-$n.out"; then
    echo "  report.json: the same bytes from both engines"
  else
    echo "  report.json DIFFERS between the engines: diff $work/embedded-report-$n.out $work/trino-report-$n.out"
    status=1
  fi
  rm -rf "$lake"
done
exit $status
