// Compares our report.json with the DuckDB pipeline's, as tests/e2e/engines_agree_test.cpp
// does: every SPEC §6 section (ingestion_date, tables, q1, q2, q3) over the keys both
// reports have, counts exactly and doubles to 1e-12 relative (the two engines compute in
// double precision; p-values go through different erfc code), and q3.tested segment by
// segment. bench/pipeline.sh runs it so that a speed ratio is only printed for engines
// that computed the same answers.
//
// Usage: node compare-reports.mjs OURS.json DUCKDB.json
// Prints "reports agree (N values compared)" and exits 0, or lists the first differences
// and exits 1; exit 2 on bad usage or unreadable files.
import { readFileSync } from 'node:fs';

const close = (a, b) => a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));

/// Appends to `differences` every place where `ours` and `theirs` disagree; `where` is a
/// JSON path. Objects are compared over the keys `theirs` has that `ours` has too.
function compare(ours, theirs, where, differences, counter) {
  const kind = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (kind(ours) !== kind(theirs)) {
    differences.push(`${where}: ${JSON.stringify(ours)} vs ${JSON.stringify(theirs)}`);
    return;
  }
  switch (kind(ours)) {
    case 'array':
      if (ours.length !== theirs.length) {
        differences.push(`${where}: ${ours.length} vs ${theirs.length} entries`);
        return;
      }
      ours.forEach((value, i) => compare(value, theirs[i], `${where}[${i}]`, differences, counter));
      return;
    case 'object':
      for (const [key, value] of Object.entries(theirs)) {
        if (where === 'q3' && key === 'tested') continue;  // compared by segment below
        if (key in ours) compare(ours[key], value, `${where}.${key}`, differences, counter);
      }
      return;
    case 'number':
      counter.values += 1;
      if (Number.isInteger(ours) && Number.isInteger(theirs) ? ours !== theirs
                                                             : !close(ours, theirs)) {
        differences.push(`${where}: ${ours} vs ${theirs}`);
      }
      return;
    default:
      counter.values += 1;
      if (ours !== theirs) {
        differences.push(`${where}: ${JSON.stringify(ours)} vs ${JSON.stringify(theirs)}`);
      }
  }
}

function main() {
  const [oursPath, theirsPath] = process.argv.slice(2);
  if (!oursPath || !theirsPath) {
    console.error('usage: node compare-reports.mjs OURS.json DUCKDB.json');
    process.exit(2);
  }
  let ours;
  let theirs;
  try {
    ours = JSON.parse(readFileSync(oursPath, 'utf8'));
    theirs = JSON.parse(readFileSync(theirsPath, 'utf8'));
  } catch (error) {
    console.error(`compare-reports.mjs: ${error.message}`);
    process.exit(2);
  }
  const differences = [];
  const counter = { values: 0 };
  for (const section of ['ingestion_date', 'tables', 'q1', 'q2', 'q3']) {
    compare(ours[section], theirs[section], section, differences, counter);
  }
  const bySegment = (report) => new Map((report.q3?.tested ?? []).map((s) =>
    [`${s.dimension} ${JSON.stringify(s.segment)}`, s]));
  const ourSegments = bySegment(ours);
  const theirSegments = bySegment(theirs);
  if (ourSegments.size !== theirSegments.size) {
    differences.push(`q3.tested: ${ourSegments.size} vs ${theirSegments.size} segments`);
  }
  for (const [key, segment] of theirSegments) {
    if (!ourSegments.has(key)) differences.push(`q3.tested: ${key} only in DuckDB's report`);
    else compare(ourSegments.get(key), segment, `q3.tested ${key}`, differences, counter);
  }
  if (differences.length > 0) {
    console.log(`reports differ in ${differences.length} place(s):`);
    for (const line of differences.slice(0, 10)) console.log(`  ${line}`);
    process.exit(1);
  }
  console.log(`reports agree (${counter.values} values compared)`);
}

main();
