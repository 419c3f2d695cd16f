import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';
import { vnLocalParts } from '../time.js';
import { seedReference, seedResponses } from './demo.js';

let t: TestContext | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

describe('demo responses', () => {
  // 01:30 in Vietnam, before any of the day's counters open; and noon, halfway through the day.
  it.each([
    ['2026-11-23T18:30:00Z', false],
    ['2026-11-23T05:00:00Z', true],
  ])('seeded at %s are never dated after now, with day and hour as in Vietnam', async (now, someToday) => {
    t = await makeTestApp({ now });
    const deps = { db: t.db, config: t.config, clock: t.clock, logger: silentLogger };
    const written = await seedResponses(deps, await seedReference(deps), { count: 5_000, seed: 3 });
    const rows = await t.db.kysely.selectFrom('responses').select(['submitted_at', 'local_day', 'local_hour']).execute();
    expect(rows).toHaveLength(written);
    expect(written).toBeGreaterThan(4_950);
    expect(rows.filter((r) => r.submitted_at > now.replace('Z', '.000Z'))).toEqual([]);
    const today = vnLocalParts(t.clock.now()).day;
    expect(rows.some((r) => r.local_day === today)).toBe(someToday);
    for (const r of rows) {
      const parts = vnLocalParts(new Date(r.submitted_at));
      expect([r.local_day, r.local_hour]).toEqual([parts.day, parts.hour]);
    }
  });
});
