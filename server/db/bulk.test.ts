import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, tempDir, testConfig } from '../testing/harness.js';
import type { AppDatabase } from './database.js';
import { insertRows } from './bulk.js';

let dir: string;
let db: AppDatabase;
let drop: () => Promise<void>;
beforeEach(async () => {
  dir = tempDir();
  ({ db, drop } = await openTestDatabase(testConfig(dir)));
});
afterEach(async () => {
  await db.close();
  await drop();
  rmSync(dir, { recursive: true, force: true });
});

const mark = (i: number, n = 1) => ({ mark_hash: `m${i}`, survey_point_id: 'p', hour_bucket: '2026-12-05T01', n });
const upsert = 'on conflict ("mark_hash", "survey_point_id", "hour_bucket") do update set "n" = "device_marks"."n" + excluded."n" returning "mark_hash", "n"';

describe('insertRows', () => {
  it('stores rows past one statement’s bound values, and returns what RETURNING gives for each', async () => {
    // Four columns a row: 30,000 values are 7,500 rows, so 16,000 rows take three statements.
    const rows = Array.from({ length: 16_000 }, (_, i) => mark(i));
    const returned = await db.write((tx) => insertRows<{ mark_hash: string; n: number }>(tx, 'device_marks', rows, upsert));
    expect(returned).toHaveLength(16_000);
    expect(new Set(returned.map((r) => r.mark_hash)).size).toBe(16_000);
    const again = await db.write((tx) => insertRows<{ mark_hash: string; n: number }>(tx, 'device_marks', [mark(3, 2), mark(15_999, 5)], upsert));
    expect(again.map((r) => [r.mark_hash, Number(r.n)])).toEqual([
      ['m3', 3],
      ['m15999', 6],
    ]);
    const stored = await db.kysely.selectFrom('device_marks').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(16_000);
  });

  it('refuses a row without one of the first row’s columns instead of storing a default in its place', async () => {
    const { n: _dropped, ...incomplete } = mark(2);
    await expect(db.write((tx) => insertRows(tx, 'device_marks', [mark(1), incomplete]))).rejects.toThrow(/device_marks\.n is missing/);
    const stored = await db.kysely.selectFrom('device_marks').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(0);
  });

  it('writes nothing and returns nothing for no rows', async () => {
    expect(await db.write((tx) => insertRows(tx, 'device_marks', [], upsert))).toEqual([]);
  });
});
