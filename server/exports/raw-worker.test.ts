import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aProvince, type ExportTestContext } from '../testing/exports.js';
import { testEngine } from '../testing/harness.js';
import { countRaw, RAW_WORKER_MIN_ROWS, rawCsvStream, type RawExportPlan } from './raw.js';

/**
 * A large raw CSV export is made in a worker thread (the intake's thread stays free); a small one in
 * the request's thread. Both must send the same bytes, and a download stopped half-way must stop the
 * worker rather than leave it holding its connection.
 */

let x: ExportTestContext;
let plan: RawExportPlan;

beforeAll(async () => {
  x = await aProvince({ responses: 3000 });
  const days = await x.t.db.kysely.selectFrom('responses').select((eb) => [eb.fn.min('local_day').as('from'), eb.fn.max('local_day').as('to')]).executeTakeFirstOrThrow();
  plan = { scope: { paths: [] }, from: days.from!, to: days.to! };
}, 120_000);

afterAll(async () => {
  await x.t.cleanup();
});

/** This process's threads as the kernel counts them (a worker is one of them while it lives). */
function threads(): number {
  return Number(/^Threads:\s+(\d+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]);
}

async function bytesOf(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  return Buffer.from(await new Response(stream).arrayBuffer());
}

// The worker reads SQLite files; on PostgreSQL every export stays in the request's thread.
describe.runIf(testEngine === 'sqlite')('raw CSV in a worker thread', () => {
  it('sends the same bytes as the request thread, every row', async () => {
    const rows = await countRaw(x.t.db, plan);
    expect(rows).toBeGreaterThan(2500);
    const inThread = await bytesOf(await rawCsvStream(x.t.db, plan, rows));
    const inWorker = await bytesOf(await rawCsvStream(x.t.db, plan, RAW_WORKER_MIN_ROWS));
    // Header and rows; no comment of this province spans lines.
    expect(inThread.toString('utf8').split('\r\n').length).toBe(rows + 2);
    expect(inWorker.equals(inThread)).toBe(true);
  }, 60_000);

  it('stops its thread when the download is cancelled', async () => {
    const reader = (await rawCsvStream(x.t.db, plan, RAW_WORKER_MIN_ROWS)).getReader();
    expect((await reader.read()).done).toBe(false);
    const during = threads();
    await reader.cancel();
    expect(threads()).toBeLessThan(during);
    expect((await reader.read()).done).toBe(true);
  }, 60_000);
});
