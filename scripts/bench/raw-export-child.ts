import path from 'node:path';
import { systemClock } from '../../server/clock.js';
import { loadConfig } from '../../server/config.js';
import { silentLogger } from '../../server/log.js';
import { openDatabase } from '../../server/main.js';
import { addDays, vnLocalParts } from '../../server/time.js';
import { runExport } from '../../server/exports/run.js';
import { CLI_CALLER } from '../../server/exports/scope.js';

/**
 * Child process of the raw-export benchmark (scripts/bench/raw-export.ts): exports every response of
 * the last year from the given database as CSV, reading the stream as a client would, and prints one
 * JSON line with rows, seconds and this process's peak RSS. Then it times a bare baseline in the
 * same process: a raw better-sqlite3 scan of the same rows joined into naive CSV lines.
 */
const file = path.resolve(process.argv[2]!);
const config = { ...loadConfig({ DATA_DIR: path.dirname(file), LOG_REQUESTS: 'false' }), databaseFile: file };
const db = await openDatabase(config);
const deps = { db, config, clock: systemClock, logger: silentLogger };
const latest = await db.kysely.selectFrom('responses').select((eb) => eb.fn.max('local_day').as('day')).executeTakeFirst();
const to = latest?.day ?? vnLocalParts(new Date()).day;
const from = addDays(to, -364);

const rssAtStart = process.memoryUsage().rss;
let started = performance.now();
const exported = await runExport(deps, CLI_CALLER, { kind: 'raw', query: { from, to, format: 'csv' }, generatedBy: 'bench' });
const reader = (exported.body as ReadableStream<Uint8Array>).getReader();
let bytes = 0;
let lines = 0;
let peakHeap = 0;
for (;;) {
  const { done, value } = await reader.read();
  if (done) break;
  bytes += value.byteLength;
  for (let i = value.indexOf(0x0a); i !== -1; i = value.indexOf(0x0a, i + 1)) lines++;
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
}
const seconds = (performance.now() - started) / 1000;
// Read before the baseline runs: the export's peak RSS alone.
const peakRssMb = process.resourceUsage().maxRSS / 1024;

started = performance.now();
let baselineRows = 0;
let baselineBytes = 0;
for (const row of db.sqlite!.prepare('select * from responses where local_day >= ? and local_day <= ?').raw(true).iterate(from, to)) {
  baselineBytes += `${(row as unknown[]).join(',')}\r\n`.length;
  baselineRows++;
}
const baselineSeconds = (performance.now() - started) / 1000;

await db.close();
process.stdout.write(
  `${JSON.stringify({
    from,
    to,
    rows: lines - 1,
    bytes,
    seconds,
    baselineRows,
    baselineBytes,
    baselineSeconds,
    rssAtStartMb: rssAtStart / 1048576,
    peakRssMb,
    peakHeapMb: peakHeap / 1048576,
  })}\n`,
);
