"""pyarrow's view of every Parquet file of a StreamPro lake, for interop_test.cpp.

    pyarrow_check.py LAKE_DIR

Prints one JSON object on stdout, keyed by the file's path relative to LAKE_DIR:
  rows, row_groups     from the footer
  read_rows            rows pyarrow actually decoded
  columns[name]        {"arrow": "timestamp[us, tz=UTC]", "logical": "Timestamp(...)",
                        "nullable": bool, "field_id": int or null (PARQUET:field_id)}
  problems             every statistic that disagrees with the decoded data: min / max
                       (logical values, compared as pyarrow reads them), null_count, and
                       num_values; a chunk whose dictionary page does not come first
"""

import json
import os
import sys

import pyarrow.compute as pc
import pyarrow.parquet as pq


def field_id(field):
    """The Parquet field_id pyarrow read for a column, or None."""
    metadata = field.metadata or {}
    value = metadata.get(b"PARQUET:field_id")
    return None if value is None else int(value)


def check_file(path):
    parquet = pq.ParquetFile(path)
    meta = parquet.metadata
    info = {
        "rows": meta.num_rows,
        "row_groups": meta.num_row_groups,
        "columns": {},
        "problems": [],
    }
    schema = parquet.schema
    arrow_schema = parquet.schema_arrow
    for i in range(len(schema)):
        column = schema.column(i)
        field = arrow_schema.field(column.name)
        info["columns"][column.name] = {
            "arrow": str(field.type),
            "logical": str(column.logical_type),
            "nullable": field.nullable,
            "field_id": field_id(field),
        }
    read_rows = 0
    for g in range(meta.num_row_groups):
        group = meta.row_group(g)
        table = parquet.read_row_group(g)
        read_rows += table.num_rows
        if table.num_rows != group.num_rows:
            info["problems"].append(f"row group {g}: footer {group.num_rows} rows, read {table.num_rows}")
        for c in range(group.num_columns):
            chunk = group.column(c)
            name = chunk.path_in_schema
            data = table.column(name)
            where = f"row group {g} column {name}"
            if chunk.has_dictionary_page and chunk.dictionary_page_offset >= chunk.data_page_offset:
                info["problems"].append(f"{where}: dictionary page after the data pages")
            stats = chunk.statistics
            if stats is None:
                info["problems"].append(f"{where}: no statistics")
                continue
            nulls = data.null_count
            if stats.has_null_count and stats.null_count != nulls:
                info["problems"].append(f"{where}: null_count {stats.null_count}, data has {nulls}")
            if stats.num_values != group.num_rows - nulls and stats.num_values != group.num_rows:
                info["problems"].append(f"{where}: num_values {stats.num_values}")
            if nulls == data.length():
                if stats.has_min_max:
                    info["problems"].append(f"{where}: min/max on an all-null chunk")
                continue
            if not stats.has_min_max:
                info["problems"].append(f"{where}: no min/max")
                continue
            actual = pc.min_max(data)
            low, high = actual["min"].as_py(), actual["max"].as_py()
            if stats.min != low or stats.max != high:
                info["problems"].append(
                    f"{where}: statistics min/max {stats.min!r}/{stats.max!r}, data {low!r}/{high!r}")
    info["read_rows"] = read_rows
    return info


def main():
    lake = sys.argv[1]
    result = {}
    for root, dirs, files in os.walk(lake):
        # _iceberg/data holds the Iceberg snapshots' links to the same files (docs/iceberg.md).
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_staging", "_iceberg")))
        for name in sorted(files):
            if name.endswith(".parquet"):
                path = os.path.join(root, name)
                result[os.path.relpath(path, lake)] = check_file(path)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
