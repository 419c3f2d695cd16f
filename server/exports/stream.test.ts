import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aProvince, type ExportTestContext } from './testing.js';

/**
 * The raw CSV streams in constant memory: 100k responses are read a page at a time and sent as they
 * are read, so exporting six times more rows does not raise the heap, which stays far below what
 * holding the rows would take.
 */

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
  /** Highest heap in use while streaming, above the heap in use when the response arrived. */
  heapGrowth: number;
}

async function streamCsv(query: string): Promise<StreamRun> {
  const started = performance.now();
  const res = await x.t.app.request(`/api/admin/exports/raw?${query}`, { headers: admin });
  expect(res.status).toBe(200);
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  let bytes = 0;
  let lines = 0;
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    for (let i = value.indexOf(0x0a); i !== -1; i = value.indexOf(0x0a, i + 1)) lines++;
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }
  return { rows: lines - 1, bytes, seconds: (performance.now() - started) / 1000, heapGrowth: peak - base };
}

describe('raw CSV streaming', () => {
  it('keeps memory flat whatever the number of rows', async () => {
    const small = await streamCsv('from=2026-10-01&to=2026-11-20');
    const large = await streamCsv('from=2025-11-21&to=2026-11-20');
    expect(large.rows).toBe(RESPONSES);
    expect(small.rows).toBeGreaterThan(10_000);
    expect(large.rows / small.rows).toBeGreaterThan(5);
    expect(large.bytes).toBeGreaterThan(25_000_000);
    // Holding 100k rows would take well over 100 MB of heap; a stream holds a few pages.
    expect(large.heapGrowth).toBeLessThan(48 * 1024 * 1024);
    expect(large.heapGrowth).toBeLessThan(small.heapGrowth * 2 + 16 * 1024 * 1024);
    process.stdout.write(
      `raw CSV: ${large.rows} rows in ${large.seconds.toFixed(2)} s = ${Math.round(large.rows / large.seconds)} rows/s, ` +
        `${(large.bytes / 1e6).toFixed(1)} MB, heap growth ${(large.heapGrowth / 1e6).toFixed(1)} MB ` +
        `(${(small.heapGrowth / 1e6).toFixed(1)} MB for ${small.rows} rows)\n`,
    );
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
