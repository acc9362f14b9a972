// Runs one SQL statement in an in-memory DuckDB and prints its rows as JSON lines.
// Usage: node run-sql.mjs FILE.sql   (or SQL on standard input)
// The statement's wall time goes to stderr as "duckdb_seconds=<s>".
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const sql = readFileSync(process.argv[2] ?? 0, 'utf8');
const instance = await DuckDBInstance.create(':memory:', {
  threads: String(availableParallelism()),
});
const connection = await instance.connect();
const started = performance.now();
const reader = await connection.runAndReadAll(sql);
const seconds = (performance.now() - started) / 1000;
for (const row of reader.getRowObjectsJson()) console.log(JSON.stringify(row));
console.error(`duckdb_seconds=${seconds.toFixed(3)}`);
