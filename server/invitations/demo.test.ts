import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseRateQuery } from '../../schema/invitations.js';
import type { Actor } from '../auth/actor.js';
import type { Deps } from '../deps.js';
import { silentLogger } from '../log.js';
import { seedDemo } from '../seed/index.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';
import { addDays, vnLocalParts } from '../time.js';
import { responseRate } from './responseRate.js';

let t: TestContext;
let deps: Deps;
const admin: Actor = { userId: 'u', username: 'admin', displayName: 'Admin', grants: [{ role: 'system_admin', unitId: null, unitPath: null }] };

beforeAll(async () => {
  t = await makeTestApp();
  deps = { db: t.db, config: t.config, clock: t.clock, logger: silentLogger };
  await seedDemo(deps, { responses: 30, seed: 3, invitations: 80 });
});
afterAll(() => t.cleanup());

describe('response rate on the demo data', () => {
  it('shows the seeded invitations, a believable share answered, per counter and procedure', async () => {
    const today = vnLocalParts(t.clock.now()).day;
    const query = (groupBy: string) => ResponseRateQuery.parse({ from: addDays(today, -60), to: today, groupBy });
    const byUnit = await responseRate(deps, admin, query('unit'));
    // The 80 asked for, and the one whose token the OpenAPI examples document (server/seed/examples.ts).
    const issued = 80 + 1;
    expect(byUnit.total.issued).toBe(issued);
    expect(byUnit.rows).toHaveLength(1);
    expect(byUnit.total.rate).toBeGreaterThan(0.2);
    expect(byUnit.total.rate).toBeLessThan(0.7);
    const fine = await responseRate(deps, admin, query('counter,procedure,month'));
    expect(fine.rows.length).toBeGreaterThan(3);
    expect(fine.rows.every((r) => r.counterName && r.period)).toBe(true);
    // Only the documented example was issued without a procedure.
    expect(fine.rows.filter((r) => !r.procedureCode).reduce((n, r) => n + r.issued, 0)).toBe(1);
    expect(fine.rows.reduce((n, r) => n + r.issued, 0)).toBe(issued);
  });
});
