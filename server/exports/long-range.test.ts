import { readdirSync, readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../testing/harness.js';
import { aProvince, type ExportTestContext } from '../testing/exports.js';

/**
 * Issue 21, findings 1 and 2: a raw export over any range a caller may ask for ends, shares the event
 * loop with everything else while it runs, and lets go of its database connection when its client leaves.
 */

let x: ExportTestContext;
let viewer: Record<string, string>;

beforeAll(async () => {
  x = await aProvince({ responses: 12_000 });
  viewer = await x.as('viewer', (await x.unit('96')).id);
}, 120_000);

afterAll(async () => {
  await x.t.cleanup();
});

/** Turns of the event loop's check phase while `work` runs: zero means it never let anything else run. */
async function loopTurnsDuring(work: () => Promise<void>): Promise<number> {
  let turns = 0;
  let running = true;
  const tick = () => {
    turns++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  try {
    await work();
  } finally {
    running = false;
  }
  return turns;
}

async function drain(res: Response): Promise<number> {
  let lines = 0;
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return lines;
    for (let i = value.indexOf(0x0a); i !== -1; i = value.indexOf(0x0a, i + 1)) lines++;
  }
}

describe('raw export over long ranges', () => {
  it('refuses days outside 2000–2099 (9999-12-31 used to loop forever) with a 400 naming the field', async () => {
    for (const query of ['from=9999-12-31&to=9999-12-31', 'from=1900-01-01&to=2026-12-31', 'from=0001-01-01&to=9999-12-31', 'to=0000-01-01']) {
      const res = await x.t.app.request(`/api/admin/exports/raw?${query}&format=csv`, { headers: viewer });
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string; issues: { path: string[] }[] } };
      expect(body.error.code).toBe('validation_failed');
      expect(body.error.issues.map((i) => i.path[0])).toEqual(expect.arrayContaining([query.startsWith('to') ? 'to' : 'from']));
    }
  });

  it('exports a century in a few pages and yields to the event loop between them', async () => {
    const stored = await x.t.db.kysely.selectFrom('responses').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    let rows = 0;
    const turns = await loopTurnsDuring(async () => {
      const res = await x.t.app.request('/api/admin/exports/raw?from=2000-01-01&to=2099-12-31&format=csv', { headers: viewer });
      expect(res.status).toBe(200);
      rows = (await drain(res)) - 1;
    });
    expect(rows).toBe(Number(stored.n));
    // At least one turn per page of 2,000 rows (before: none in the whole export, one query per day for 36,525 days).
    expect(turns).toBeGreaterThanOrEqual(Math.floor(rows / 2000));
  });

  // @hono/node-server cancels the response stream when the socket closes; this is that cancel.
  it.skipIf(testEngine !== 'sqlite')('closes its database connection when the client leaves mid-download', async () => {
    // SQLite may keep the main file's descriptor after a close (POSIX locks); the WAL's it lets go.
    const file = `${x.t.config.databaseFile}-wal`;
    const handlesOnFile = () =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === file;
        } catch {
          return false;
        }
      }).length;
    const before = handlesOnFile();
    const res = await x.t.app.request('/api/admin/exports/raw?from=2000-01-01&to=2099-12-31&format=csv', { headers: viewer });
    const reader = res.body!.getReader();
    await reader.read(); // the header
    await reader.read(); // the first page: the export's own connection is open
    expect(handlesOnFile()).toBeGreaterThan(before);
    await reader.cancel();
    for (let i = 0; i < 100 && handlesOnFile() > before; i++) await sleep(20);
    expect(handlesOnFile()).toBe(before);
  });
});
