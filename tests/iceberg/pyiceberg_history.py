"""pyiceberg's and pyarrow's view of a table's history, for iceberg_history_test.cpp.

    pyiceberg_history.py snapshots CATALOG_URI NAMESPACE TABLE COLUMN
        One JSON object: "current" (snapshot id) and "snapshots", oldest first, each with
        "id", "timestamp_ms", "rows" and "values" (the sorted values of COLUMN, as text)
        read by scanning that snapshot, "data_files" (the data files a scan of it plans),
        "manifest_list" and "manifests" (local paths, without file://).
    pyiceberg_history.py parquet COLUMN FILE...
        pyarrow reading FILEs: {"rows": n, "values": sorted values of COLUMN as text}.
    pyiceberg_history.py loop CATALOG_URI NAMESPACE TABLE STOP_FILE OUT_FILE
        Until STOP_FILE exists: load the table, scan its current snapshot whole and append
        one JSON line to OUT_FILE: {"snapshot": id, "rows": n}, or {"error": text}. Writes
        {"done": scans} last.

The catalog name is "streampro".
"""

import json
import os
import sys

import pyarrow.parquet as pq
from pyiceberg.catalog.sql import SqlCatalog


def load(uri, namespace, table):
    return SqlCatalog("streampro", uri=uri).load_table(f"{namespace}.{table}")


def path(location):
    """A local path for a file:// location (what our metadata writes on a local lake)."""
    return location[len("file://"):] if location.startswith("file://") else location


def values(arrow, column):
    return sorted(str(v) for v in arrow.column(column).to_pylist())


def snapshots(uri, namespace, table_name, column):
    table = load(uri, namespace, table_name)
    io = table.io
    out = {"current": table.current_snapshot().snapshot_id, "snapshots": []}
    for snapshot in table.snapshots():
        arrow = table.scan(snapshot_id=snapshot.snapshot_id).to_arrow()
        out["snapshots"].append(
            {
                "id": snapshot.snapshot_id,
                "timestamp_ms": snapshot.timestamp_ms,
                "rows": arrow.num_rows,
                "values": values(arrow, column),
                "data_files": sorted(
                    path(t.file.file_path)
                    for t in table.scan(snapshot_id=snapshot.snapshot_id).plan_files()
                ),
                "manifest_list": path(snapshot.manifest_list),
                "manifests": sorted(path(m.manifest_path) for m in snapshot.manifests(io)),
            }
        )
    json.dump(out, sys.stdout, indent=1)


def parquet(column, files):
    rows, vals = 0, []
    for f in files:
        arrow = pq.read_table(f)
        rows += arrow.num_rows
        vals += values(arrow, column)
    json.dump({"rows": rows, "values": sorted(vals)}, sys.stdout)


def loop(uri, namespace, table_name, stop_file, out_file):
    scans = 0
    with open(out_file, "w") as out:
        while not os.path.exists(stop_file):
            try:
                table = load(uri, namespace, table_name)
                snapshot = table.current_snapshot()
                rows = table.scan(snapshot_id=snapshot.snapshot_id).to_arrow().num_rows
                line = {"snapshot": snapshot.snapshot_id, "rows": rows}
            except Exception as error:  # every failure is a finding
                line = {"error": f"{type(error).__name__}: {error}"}
            out.write(json.dumps(line) + "\n")
            out.flush()
            scans += 1
        out.write(json.dumps({"done": scans}) + "\n")


def main():
    command, *args = sys.argv[1:]
    if command == "snapshots":
        snapshots(*args)
    elif command == "parquet":
        parquet(args[0], args[1:])
    elif command == "loop":
        loop(*args)
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main()
