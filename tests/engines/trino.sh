#!/usr/bin/env bash
# The `trino` test fixture: one Trino 476 on loopback for the interop tests (tests/engines),
# started once per build folder like the `rgw` fixture.
#
#   tests/engines/trino.sh start DIR RGW_DIR [PG_DIR]
#                                              starts Trino (scripts/trino-local) with its state
#                                              in DIR, native S3 pointed at the gateway of
#                                              RGW_DIR/env, the `iceberg` catalog on the
#                                              database URI of PG_DIR/env (the `postgresql`
#                                              fixture), and writes DIR/env:
#                                                SERVER=http://127.0.0.1:PORT
#   tests/engines/trino.sh stop DIR            stops it and removes DIR/env
#
# Splits of at most 1MB make Trino place row groups by RowGroup.file_offset even in the
# small files of the test lakes. Needs scripts/install-engines (scripts/bootstrap --test).
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/../.." && pwd)
usage() {
  echo "usage: $0 start DIR RGW_DIR [PG_DIR] | stop DIR" >&2
  exit 2
}
[[ $# -ge 2 ]] || usage
dir=$2

case $1 in
  start)
    [[ $# -eq 3 || $# -eq 4 ]] || usage
    rgw_env=$3/env
    [[ -f $rgw_env ]] || { echo "trino.sh: $rgw_env missing: the rgw fixture did not start" >&2; exit 1; }
    catalog_args=()
    if [[ $# -eq 4 ]]; then
      pg_env=$4/env
      [[ -f $pg_env ]] || { echo "trino.sh: $pg_env missing: the postgresql fixture did not start" >&2; exit 1; }
      catalog_args=(--catalog "$(sed -n 's/^URI=//p' "$pg_env")")
    fi
    rm -f "$dir/env"
    "$repo_root/scripts/trino-local" stop --state "$dir" 2>/dev/null || true
    endpoint=$(sed -n 's/^ENDPOINT=//p' "$rgw_env")
    access_key=$(sed -n 's/^ACCESS_KEY=//p' "$rgw_env")
    secret_key=$(sed -n 's/^SECRET_KEY=//p' "$rgw_env")
    output=$(env -u AWS_ENDPOINT_URL -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY \
      MINIO_ENDPOINT="$endpoint" MINIO_ACCESS_KEY="$access_key" MINIO_SECRET_KEY="$secret_key" \
      STREAMPRO_S3_ADDRESSING=path STREAMPRO_TRINO_MAX_SPLIT_SIZE=1MB \
      "$repo_root/scripts/trino-local" start --lake s3://interop --state "$dir" "${catalog_args[@]}")
    port=$(sed -n 's/^TRINO_PORT=//p' <<<"$output")
    [[ -n $port ]] || { echo "trino.sh: Trino did not start" >&2; exit 1; }
    echo "SERVER=http://127.0.0.1:$port" >"$dir/env.part"
    mv "$dir/env.part" "$dir/env"
    ;;
  stop)
    "$repo_root/scripts/trino-local" stop --state "$dir"
    rm -f "$dir/env"
    ;;
  *) usage ;;
esac
