// Runs SQL in an in-memory DuckDB and prints the rows of the timed statement as JSON lines.
// Usage: node run-sql.mjs FILE.sql [SETUP.sql]   (or the SQL on standard input)
// SETUP.sql, when given, runs first and is not timed (e.g. loading a table to copy out).
// The timed statement's wall time goes to stderr as "duckdb_seconds=<s>".
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const sql = readFileSync(process.argv[2] ?? 0, 'utf8');
const setup = process.argv[3] ? readFileSync(process.argv[3], 'utf8') : null;
const instance = await DuckDBInstance.create(':memory:', {
  threads: String(availableParallelism()),
});
const connection = await instance.connect();
if (setup) await connection.run(setup);
const started = performance.now();
const reader = await connection.runAndReadAll(sql);
const seconds = (performance.now() - started) / 1000;
for (const row of reader.getRowObjectsJson()) console.log(JSON.stringify(row));
console.error(`duckdb_seconds=${seconds.toFixed(3)}`);
