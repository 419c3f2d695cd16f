import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aProvince, type ExportTestContext } from '../testing/exports.js';

/**
 * The raw CSV streams in constant memory: 100k responses are read a page at a time and sent as they
 * are read, so what the export holds does not grow with the number of rows. Memory is measured after
 * a full collection, as what is still reachable: garbage not yet collected depends on the driver and
 * the collector's mood (the pg driver makes far more of it than better-sqlite3), not on the export.
 */

// A collection on demand without starting the worker with --expose-gc.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Heap and buffers still reachable after a full collection. */
function retainedBytes(): number {
  collectGarbage();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

/** Bytes of CSV read between two samples of the retained memory. */
const SAMPLE_EVERY_BYTES = 512 * 1024;

let x: ExportTestContext;
let admin: Record<string, string>;
const RESPONSES = 100_000;

beforeAll(async () => {
  x = await aProvince({ responses: RESPONSES });
  admin = await x.as('system_admin', null);
}, 180_000);

afterAll(async () => {
  await x.t.cleanup();
});

interface StreamRun {
  rows: number;
  bytes: number;
  seconds: number;
  /** Most memory retained while streaming (sampled at the first chunk and every 512 KB), above what was retained before the request. */
  retainedGrowth: number;
}

async function streamCsv(query: string): Promise<StreamRun> {
  const base = retainedBytes();
  const started = performance.now();
  const res = await x.t.app.request(`/api/admin/exports/raw?${query}`, { headers: admin });
  expect(res.status).toBe(200);
  let peak = base;
  let bytes = 0;
  let sampledAt = -SAMPLE_EVERY_BYTES;
  let lines = 0;
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    for (let i = value.indexOf(0x0a); i !== -1; i = value.indexOf(0x0a, i + 1)) lines++;
    if (bytes - sampledAt >= SAMPLE_EVERY_BYTES) {
      sampledAt = bytes;
      peak = Math.max(peak, retainedBytes());
    }
  }
  return { rows: lines - 1, bytes, seconds: (performance.now() - started) / 1000, retainedGrowth: peak - base };
}

describe('raw CSV streaming', () => {
  it('keeps memory flat whatever the number of rows', async () => {
    const small = await streamCsv('from=2026-10-01&to=2026-11-20');
    const large = await streamCsv('from=2025-11-21&to=2026-11-20');
    const stored = await x.t.db.kysely.selectFrom('responses').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(large.rows).toBe(Number(stored.n));
    expect(small.rows).toBeGreaterThan(10_000);
    expect(large.rows / small.rows).toBeGreaterThan(5);
    expect(large.bytes).toBeGreaterThan(25_000_000);
    process.stdout.write(
      `raw CSV: ${large.rows} rows in ${large.seconds.toFixed(2)} s = ${Math.round(large.rows / large.seconds)} rows/s, ` +
        `${(large.bytes / 1e6).toFixed(1)} MB, retained growth ${(large.retainedGrowth / 1e6).toFixed(1)} MB ` +
        `(${(small.retainedGrowth / 1e6).toFixed(1)} MB for ${small.rows} rows)\n`,
    );
    // Holding the extra rows, or their CSV, would retain at least the extra bytes; a stream holds a page or two either way.
    expect(large.retainedGrowth - small.retainedGrowth).toBeLessThan((large.bytes - small.bytes) / 4);
  }, 120_000);

  it('reads ahead only as far as the client reads', async () => {
    const res = await x.t.app.request('/api/admin/exports/raw?from=2025-11-21&to=2026-11-20', { headers: admin });
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    // The client stops: the stream has produced a page or two, not the export.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = process.memoryUsage().heapUsed;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(16 * 1024 * 1024);
    await reader.cancel();
  });
});
