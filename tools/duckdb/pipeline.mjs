// The StreamPro pipeline (SPEC §1-§7) in DuckDB SQL, as an independent oracle for our
// report and as the benchmark baseline. The SQL lives in bench/duckdb/; this runner copies
// the raw files, fills the SQL templates, does the few statistics SQL lacks (the normal
// tail probability and Benjamini-Hochberg), writes Parquet and report.json.
//
// Usage: node pipeline.mjs --landing DIR --date YYYY-MM-DD --out DIR
//          [--min-sessions 30] [--threads N] [--memory-limit 4GB]
// Writes OUT/raw/..., OUT/trusted/..., OUT/enriched/..., OUT/report.json, each file flushed
// to the disk with its folders (fsync, as our lake does), and prints
// "duckdb_step <name> <seconds>" (wall) and "duckdb_cpu <name> <seconds>" per step on
// stderr. Exit 0 on success, 1 on bad input, 2 on bad usage.
import { DuckDBInstance } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, createReadStream, existsSync, fsyncSync, mkdirSync,
         openSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const sqlDir = join(dirname(fileURLToPath(import.meta.url)), '../../bench/duckdb');
const tables = { users: 'csv', videos: 'csv', devices: 'csv', events: 'jsonl' };
const requiredColumns = {
  users: ['user_id', 'signup_date', 'subscription_tier'],
  videos: ['video_id', 'genre', 'duration_seconds'],
  devices: ['device'],
};
// Control bytes that valid JSON text cannot hold unescaped: a line containing them is
// malformed anyway, and the delimiter keeps DuckDB from splitting any other line.
const lineDelimiter = '\x01\x02\x03';

function usage(message) {
  console.error(`pipeline.mjs: ${message}`);
  console.error('usage: node pipeline.mjs --landing DIR --date YYYY-MM-DD --out DIR ' +
                '[--min-sessions N] [--threads N] [--memory-limit SIZE]');
  process.exit(2);
}

function parseArguments(argv) {
  const options = { minSessions: 30, threads: availableParallelism(), memoryLimit: null };
  const names = { '--landing': 'landing', '--date': 'date', '--out': 'out',
                  '--min-sessions': 'minSessions', '--threads': 'threads',
                  '--memory-limit': 'memoryLimit' };
  for (let i = 0; i < argv.length; i += 2) {
    const name = names[argv[i]];
    if (!name || argv[i + 1] === undefined) usage(`unknown or incomplete option ${argv[i]}`);
    options[name] = argv[i + 1];
  }
  if (!options.landing || !options.out || !/^\d{4}-\d{2}-\d{2}$/.test(options.date ?? ''))
    usage('--landing, --out and --date YYYY-MM-DD are required');
  options.minSessions = Number(options.minSessions);
  options.threads = Number(options.threads);
  if (!Number.isInteger(options.minSessions) || options.minSessions < 1)
    usage('--min-sessions must be a positive integer');
  if (!Number.isInteger(options.threads) || options.threads < 1)
    usage('--threads must be a positive integer');
  return options;
}

/// The landing file of `table` for `date` (SPEC §1: a dated name, else an undated one),
/// or null.
function landingFile(landing, table, date) {
  const extension = tables[table];
  for (const name of [`${table}_${date}.${extension}`, `${table}.${extension}`]) {
    if (existsSync(join(landing, name))) return name;
  }
  return null;
}

/// SHA-256 of a file, streamed (landing files may exceed what one buffer can hold).
async function sha256File(path) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk);
  return hash.digest('hex');
}

/// Flushes a written file to the disk, then each folder above it up to `root` (fsync), as
/// our lake does before it publishes a partition: without it the clock would stop with the
/// output still in the page cache, while ours waits for the disk.
function syncToDisk(path, root) {
  const top = resolve(root);
  for (let current = resolve(path); ; current = dirname(current)) {
    const fd = openSync(current, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (current === top || dirname(current) === current) break;
  }
}

const sqlString = (text) => `'${String(text).replaceAll("'", "''")}'`;

function template(file, values) {
  const text = readFileSync(join(sqlDir, file), 'utf8');
  return text.replace(/\{\{(\w+)\}\}/g, (_, key) => {
    if (!(key in values)) throw new Error(`${file}: no value for {{${key}}}`);
    return values[key];
  });
}

// JavaScript values of DuckDB rows: BIGINT -> Number, TIMESTAMP/DATE -> their text; lists
// and other values as the client gives them.
function plain(value) {
  if (typeof value === 'bigint') return Number(value);
  if (value !== null && typeof value === 'object' && /Timestamp|Date/.test(value.constructor.name))
    return value.toString();
  return value;
}

async function rows(connection, sql) {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjects().map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)])));
}

/// erfc(x) to within 1e-15 relative (max 6.3e-16 against 40-digit mpmath over
/// [-5, 26]): a positive-term series for erf below 0.5 (erfc > 0.47 there, so 1 - erf
/// loses no digits), otherwise the continued fraction
///   erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))
/// evaluated backwards from a depth doubled until two depths agree, with exp(-x^2) split
/// so that x^2 loses no bits.
export function erfc(x) {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 0.5) {
    // erf(x) = 2x/sqrt(pi) * exp(-x^2) * sum_n (2x^2)^n / (1*3*...*(2n+1))
    let term = 1;
    let sum = 1;
    for (let n = 1; n < 200 && term > 1e-18 * sum; ++n) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
    }
    return 1 - (2 * x / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
  }
  if (x > 27.3) return 0;  // below the smallest double
  const fraction = (depth) => {
    let t = x;
    for (let k = depth; k >= 1; --k) t = x + k / 2 / t;
    return 1 / t;
  };
  let depth = 16;
  let value = fraction(depth);
  while (depth < 1 << 22) {
    depth *= 2;
    const next = fraction(depth);
    const converged = Math.abs(next - value) <= 1e-17 * next;
    value = next;
    if (converged) break;
  }
  const high = Math.round(x * 4096) / 4096;
  const low = x - high;
  // x^2 = high^2 + low * (x + high); high^2 is exact (high has at most 12 fraction bits).
  return (Math.exp(-high * high) * Math.exp(-low * (x + high)) * value) / Math.sqrt(Math.PI);
}

/// One-sided p-value of a z statistic: P(Z >= z) = erfc(z / sqrt(2)) / 2.
export const upperTail = (z) => erfc(z / Math.SQRT2) / 2;

/// Benjamini-Hochberg q-values for `pValues` (same order), capped at 1.
export function benjaminiHochberg(pValues) {
  const m = pValues.length;
  const order = pValues.map((p, i) => i).sort((a, b) => pValues[a] - pValues[b] || a - b);
  const q = new Array(m);
  let running = 1;
  for (let rank = m; rank >= 1; --rank) {
    const i = order[rank - 1];
    running = Math.min(running, (pValues[i] * m) / rank);
    q[i] = running;
  }
  return q;
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const { landing, date, out } = options;
  const timings = {};
  // Wall seconds per step, and the process's CPU seconds (all DuckDB threads), which say
  // more than the wall time on a machine shared with other work.
  const step = async (name, work) => {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const result = await work();
    timings[name] = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    console.error(`duckdb_step ${name} ${timings[name].toFixed(3)}`);
    console.error(`duckdb_cpu ${name} ${((cpu.user + cpu.system) / 1e6).toFixed(3)}`);
    return result;
  };
  const partition = (layer, table) => join(out, layer, table, `ingestion_date=${date}`);

  // 1. raw: byte copies with SHA-256, as the lake's raw layer.
  const files = {};
  for (const table of Object.keys(tables)) files[table] = landingFile(landing, table, date);
  for (const table of ['users', 'videos', 'devices']) {
    if (!files[table]) throw new InputError(`no ${table} file for ${date} in ${landing}`);
  }
  const raw = await step('raw', async () => {
    const checksums = {};
    for (const [table, name] of Object.entries(files)) {
      if (!name) continue;
      const target = join(partition('raw', table), name);
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(join(landing, name), target);
      checksums[table] = { file: name, sha256: await sha256File(target) };
      syncToDisk(target, out);
    }
    return checksums;
  });

  const config = { threads: String(options.threads) };
  if (options.memoryLimit) config.memory_limit = options.memoryLimit;
  const instance = await DuckDBInstance.create(':memory:', config);
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  const copyParquet = async (query, path) => {
    mkdirSync(dirname(path), { recursive: true });
    await connection.run(
      `COPY (${query}) TO ${sqlString(path)} (FORMAT parquet, COMPRESSION snappy)`);
    syncToDisk(path, out);
  };

  // 2. trusted: dimensions, then events against them.
  await step('trusted_dimensions', async () => {
    for (const table of ['users', 'videos', 'devices']) {
      await connection.run(template('csv_records.sql', {
        table, file: sqlString(join(landing, files[table])) }));
      const [header] = await rows(connection,
        `SELECT fields, malformed FROM ${table}_records ORDER BY record_index LIMIT 1`);
      if (!header) throw new InputError(`${files[table]}: no header row`);
      if (header.malformed) throw new InputError(`${files[table]}: broken quoting in the header`);
      const names = header.fields.items.map((name) => (name ?? '').replace(/^[ \t]+|[ \t]+$/g, ''));
      const missing = requiredColumns[table].filter((column) => !names.includes(column));
      if (missing.length > 0) {
        throw new InputError(`${files[table]}: missing required column(s) ${missing.join(', ')}`);
      }
    }
    await connection.run(template('trusted_dimensions.sql', {}));
  });
  await step('trusted_events', async () => {
    if (files.events) {
      await connection.run(template('trusted_events.sql', {
        events_file: sqlString(join(landing, files.events)),
        delimiter: sqlString(lineDelimiter) }));
    } else {
      console.error(`pipeline.mjs: no events file for ${date}`);
      await connection.run(template('trusted_events.sql', {
        events_file: sqlString(join(sqlDir, 'empty.jsonl')),
        delimiter: sqlString(lineDelimiter) }));
    }
  });
  await step('trusted_write', async () => {
    for (const table of ['users', 'videos', 'devices']) {
      await copyParquet(`SELECT * FROM trusted_${table}`,
                        join(partition('trusted', table), 'part-00000.parquet'));
    }
    // TIMESTAMPTZ: Parquet TIMESTAMP(MICROS, isAdjustedToUTC = true), as our writer.
    await copyParquet(
      'SELECT * REPLACE ("timestamp"::TIMESTAMPTZ AS "timestamp") FROM trusted_events',
      join(partition('trusted', 'events'), 'part-00000.parquet'));
    const rejects = ['users', 'videos', 'devices'].map((table) =>
      `SELECT '${table}' AS "table", ${sqlString(files[table])} AS source_file,
              record_index AS record_number, reason, raw_record
       FROM ${table}_checked WHERE reason IS NOT NULL AND reason <> 'duplicate'`);
    rejects.push(`SELECT 'events', ${sqlString(files.events ?? '')}, line_index + 1, reason, line
                  FROM events_checked WHERE reason IS NOT NULL AND reason <> 'duplicate'`);
    await copyParquet(rejects.join(' UNION ALL '),
                      join(partition('trusted', '_rejects'), 'part-00000.parquet'));
  });

  // 3. enriched, with the normal tail and BH done here (DuckDB has no erfc).
  const segments = await step('enriched', async () => {
    await connection.run(template('enriched.sql', { min_sessions: String(options.minSessions) }));
    const all = await rows(connection, 'SELECT * FROM device_segments');
    const tested = all.filter((s) => s.tested);
    for (const s of tested) s.p_value = s.zero_standard_error ? 1 : upperTail(s.z);
    const q = benjaminiHochberg(tested.map((s) => s.p_value));
    tested.forEach((s, i) => {
      s.q_value = q[i];
      s.abnormal = s.q_value < 0.05 && (s.lift === null || s.lift >= 1.25);
    });
    await connection.run(`CREATE OR REPLACE TABLE device_analytics (
        dimension VARCHAR, segment VARCHAR, device_os VARCHAR, app_version VARCHAR,
        sessions BIGINT, drop_offs BIGINT, drop_off_rate DOUBLE, rest_rate DOUBLE,
        lift DOUBLE, z DOUBLE, p_value DOUBLE, q_value DOUBLE, abnormal BOOLEAN)`);
    const appender = await connection.createAppender('device_analytics');
    for (const s of all) {
      appender.appendVarchar(s.dimension);
      appender.appendVarchar(segmentLabel(s));
      for (const text of [s.device_os, s.app_version]) {
        if (text === null) appender.appendNull(); else appender.appendVarchar(text);
      }
      appender.appendBigInt(BigInt(s.sessions));
      appender.appendBigInt(BigInt(s.drop_offs));
      for (const number of [s.drop_off_rate, s.rest_rate, s.lift, s.z, s.p_value ?? null,
                            s.q_value ?? null]) {
        if (number === null) appender.appendNull(); else appender.appendDouble(number);
      }
      appender.appendBoolean(s.tested && s.abnormal);  // SPEC §7: false when untested
      appender.endRow();
    }
    appender.closeSync();
    for (const table of ['user_sessions', 'user_journey', 'genre_performance',
                         'device_analytics']) {
      await copyParquet(`SELECT * FROM ${table}`,
                        join(partition('enriched', table), 'part-00000.parquet'));
    }
    return all;
  });

  // 4. report.json (SPEC §6 keys, plus q3.tested and per-genre averages).
  await step('report', async () => {
    const report = { ingestion_date: date, engine: 'duckdb', tables: {} };
    for (const table of Object.keys(tables)) {
      if (!files[table]) continue;
      const counts = await rows(connection,
        `SELECT reason, count(*)::BIGINT AS n FROM ${table}_checked GROUP BY reason`);
      const entry = { file: files[table], rows_in: 0, rows_kept: 0, rows_rejected: 0, rows_duplicate: 0,
                      rejected_by_reason: {} };
      for (const { reason, n } of counts.sort((a, b) =>
        String(a.reason).localeCompare(String(b.reason)))) {
        entry.rows_in += n;
        if (reason === null) entry.rows_kept += n;
        else if (reason === 'duplicate') entry.rows_duplicate += n;
        else { entry.rows_rejected += n; entry.rejected_by_reason[reason] = n; }
      }
      report.tables[table] = entry;
    }
    report.raw = raw;

    const [q1] = await rows(connection, `
      SELECT count(first_session_id)::BIGINT AS new_users,
             (count(*) FILTER (WHERE first_session_reached_30s))::BIGINT AS reached_30s,
             (count(*) FILTER (WHERE first_session_id IS NULL))::BIGINT AS never_active
      FROM user_journey`);
    const [low, high] = wilson(q1.reached_30s, q1.new_users);
    report.q1 = { new_users: q1.new_users, reached_30s: q1.reached_30s,
                  pct: q1.new_users > 0 ? (100 * q1.reached_30s) / q1.new_users : null,
                  ci_low: low === null ? null : 100 * low,
                  ci_high: high === null ? null : 100 * high,
                  never_active: q1.never_active };

    const genres = await rows(connection, 'SELECT * FROM genre_performance');
    const ranked = genres.filter((g) => g.rank !== null);
    report.q2 = {
      genres: genres.map((g) => ({
        genre: g.genre, new_users: g.new_users, returned_within_3d: g.returned_within_3d,
        retention_rate: g.retention_rate, ci_low: g.ci_low, ci_high: g.ci_high,
        avg_first_session_watch_seconds: g.avg_first_session_watch_seconds, rank: g.rank })),
      best_genre: ranked.length > 0 ? ranked[0].genre : null,
      best_overlaps_runner_up: ranked.length > 1 ? ranked[0].ci_low <= ranked[1].ci_high : null,
    };

    const tested = segments.filter((s) => s.tested).map(segmentEntry);
    const abnormal = segments.filter((s) => s.tested && s.abnormal).map(segmentEntry)
      .sort((a, b) => {
        if (a.lift !== b.lift) {
          if (a.lift === null) return -1;
          if (b.lift === null) return 1;
          return b.lift - a.lift;
        }
        return a.q_value - b.q_value;
      });
    report.q3 = { min_sessions: options.minSessions, segments_tested: tested.length,
                  abnormal, tested };
    report.timings_seconds = timings;
    writeFileSync(join(out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    syncToDisk(join(out, 'report.json'), out);
  });
  connection.closeSync?.();
}

function segmentLabel(s) {
  if (s.dimension === 'device_os') return s.device_os;
  if (s.dimension === 'app_version') return s.app_version;
  return `${s.device_os} x ${s.app_version}`;
}

function segmentEntry(s) {
  const segment = {};
  if (s.dimension !== 'app_version') segment.device_os = s.device_os;
  if (s.dimension !== 'device_os') segment.app_version = s.app_version;
  return { dimension: s.dimension, segment, sessions: s.sessions, drop_offs: s.drop_offs,
           drop_off_rate: s.drop_off_rate, rest_rate: s.rest_rate, lift: s.lift, z: s.z,
           p_value: s.p_value, q_value: s.q_value };
}

/// Wilson 95% interval (proportions), in the same operation order as enriched.sql.
function wilson(k, n) {
  if (n === 0) return [null, null];
  const z = 1.959963984540054;
  const p = k / n;
  const center = (p + (z * z) / (2.0 * n)) / (1.0 + (z * z) / n);
  const half = (z * Math.sqrt((p * (1.0 - p)) / n + (z * z) / (4.0 * n * n))) / (1.0 + (z * z) / n);
  return [center - half, center + half];
}

class InputError extends Error {}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(`pipeline.mjs: ${error.message}`);
    process.exit(1);
  });
}
