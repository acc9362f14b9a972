"""pyiceberg's view of Iceberg tables in a SQL (JDBC schema) catalog, for iceberg_test.cpp.

    pyiceberg_read.py CATALOG_URI CATALOG_NAME NAMESPACE TABLE...

Prints one JSON object on stdout, keyed by table name:
  field_ids        {column: field id} of the current schema
  partition        [{"name", "source_id", "field_id", "transform"}]
  current          the current snapshot id
  snapshots        [{"id", "parent", "operation", "rows": {ingestion_date: rows}}] oldest
                   first; rows read by scanning that snapshot (time travel)
  files            the current snapshot's data files: path, record_count,
                   file_size_in_bytes, column_sizes, value_counts, null_value_counts,
                   lower_bounds / upper_bounds (hex of the binary single values)
"""

import json
import sys
from collections import Counter

from pyiceberg.catalog.sql import SqlCatalog


def rows_by_date(table, snapshot_id):
    arrow = table.scan(snapshot_id=snapshot_id).to_arrow()
    counts = Counter(str(d) for d in arrow.column("ingestion_date").to_pylist())
    return dict(sorted(counts.items()))


def hex_map(m):
    return {str(k): v.hex() for k, v in sorted((m or {}).items())}


def int_map(m):
    return {str(k): v for k, v in sorted((m or {}).items())}


def describe(table):
    out = {
        "field_ids": {f.name: f.field_id for f in table.schema().fields},
        "partition": [
            {"name": f.name, "source_id": f.source_id, "field_id": f.field_id, "transform": str(f.transform)}
            for f in table.spec().fields
        ],
        "current": table.current_snapshot().snapshot_id if table.current_snapshot() else None,
        "snapshots": [],
        "files": [],
    }
    for snapshot in table.snapshots():
        out["snapshots"].append(
            {
                "id": snapshot.snapshot_id,
                "parent": snapshot.parent_snapshot_id,
                "operation": str(snapshot.summary.operation.value) if snapshot.summary else None,
                "rows": rows_by_date(table, snapshot.snapshot_id),
            }
        )
    for task in table.scan().plan_files():
        f = task.file
        out["files"].append(
            {
                "path": f.file_path,
                "format": str(f.file_format.value),
                "partition": str(f.partition[0]),
                "record_count": f.record_count,
                "file_size_in_bytes": f.file_size_in_bytes,
                "column_sizes": int_map(f.column_sizes),
                "value_counts": int_map(f.value_counts),
                "null_value_counts": int_map(f.null_value_counts),
                "lower_bounds": hex_map(f.lower_bounds),
                "upper_bounds": hex_map(f.upper_bounds),
            }
        )
    out["files"].sort(key=lambda f: f["path"])
    return out


def main():
    uri, name, namespace, *tables = sys.argv[1:]
    catalog = SqlCatalog(name, uri=uri)
    result = {t: describe(catalog.load_table(f"{namespace}.{t}")) for t in tables}
    json.dump(result, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
