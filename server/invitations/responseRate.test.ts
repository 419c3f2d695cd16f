import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResponseRateQuery } from '../../schema/invitations.js';
import type { Role } from '../../schema/admin.js';
import type { Actor } from '../auth/actor.js';
import type { Deps } from '../deps.js';
import { AppError } from '../http.js';
import { newId } from '../ids.js';
import { silentLogger } from '../log.js';
import { consumeInvitation } from '../surveys/resolve.js';
import { aSite, type TestSite } from '../testing/builders.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';
import { issueInvitation, type InvitationIssuer } from './issue.js';
import { responseRate } from './responseRate.js';

let t: TestContext;
let deps: Deps;
let a: TestSite;
let b: TestSite;

async function pathOf(unitId: string): Promise<string> {
  return (await t.db.kysely.selectFrom('units').select('path').where('id', '=', unitId).executeTakeFirstOrThrow()).path;
}
async function keyFor(unitId: string): Promise<InvitationIssuer> {
  return { id: 'k', unitId, unitPath: await pathOf(unitId) };
}
async function actorOn(unitId: string, role: Role): Promise<Actor> {
  return { userId: 'u', username: 'u', displayName: 'U', grants: [{ role, unitId, unitPath: await pathOf(unitId) }] };
}
async function answer(invitationId: string): Promise<void> {
  await t.db.write((tx) => consumeInvitation(tx, invitationId, newId(), t.clock.now().toISOString()));
}
const query = (q: Record<string, string>) => ResponseRateQuery.parse(q);

beforeEach(async () => {
  t = await makeTestApp({ now: '2026-11-02T03:00:00Z' });
  deps = { db: t.db, config: t.config, clock: t.clock, logger: silentLogger };
  a = await aSite(t.db, t.clock, { communeCode: '31942' });
  b = await aSite(t.db, t.clock, { communeCode: '31943' });
  const now = t.clock.now().toISOString();
  await t.db.write((tx) =>
    tx
      .insertInto('procedures')
      .values([
        { id: 'proc-birth', province_id: a.provinceId, code: '1.001193', name: 'Đăng ký khai sinh', field: 'Hộ tịch', created_at: now, updated_at: now },
        { id: 'proc-land', province_id: a.provinceId, code: '1.004227', name: 'Đăng ký đất đai', field: 'Đất đai', created_at: now, updated_at: now },
      ])
      .execute(),
  );
  // Centre A, 2 Nov: 3 birth registrations at Q1 (2 answered), 1 land dossier centre-wide (not answered, expires in 2 days).
  const keyA = await keyFor(a.centreId);
  const a1 = await issueInvitation(deps, keyA, { dossierCode: 'A-1', counterCode: 'Q1', procedureCode: '1.001193' });
  const a2 = await issueInvitation(deps, keyA, { dossierCode: 'A-2', counterCode: 'Q1', procedureCode: '1.001193' });
  await issueInvitation(deps, keyA, { dossierCode: 'A-3', counterCode: 'Q1', procedureCode: '1.001193' });
  await issueInvitation(deps, keyA, { dossierCode: 'A-4', procedureCode: '1.004227', expiresInDays: 2 });
  await answer(a1.id);
  await answer(a2.id);
  // Centre B, 3 Nov: 2 dossiers at Q1, 1 answered.
  t.clock.set('2026-11-03T03:00:00Z');
  const keyB = await keyFor(b.centreId);
  const b1 = await issueInvitation(deps, keyB, { dossierCode: 'B-1', counterCode: 'Q1' });
  await issueInvitation(deps, keyB, { dossierCode: 'B-2', counterCode: 'Q1' });
  await answer(b1.id);
  // Outside the period asked about.
  t.clock.set('2026-12-01T03:00:00Z');
  await issueInvitation(deps, keyB, { dossierCode: 'B-3' });
  t.clock.set('2026-11-10T03:00:00Z');
});
afterEach(() => t.cleanup());

describe('responseRate', () => {
  it('counts issued, answered, expired and pending per unit for a provincial officer', async () => {
    const result = await responseRate(deps, await actorOn(a.provinceId, 'provincial_officer'), query({ from: '2026-11-01', to: '2026-11-30' }));
    expect(result.rows).toEqual([
      expect.objectContaining({ unitId: a.centreId, issued: 4, answered: 2, expired: 1, pending: 1, rate: 0.5 }),
      expect.objectContaining({ unitId: b.centreId, issued: 2, answered: 1, expired: 0, pending: 1, rate: 0.5 }),
    ]);
    expect(result.total).toEqual({ issued: 6, answered: 3, expired: 1, pending: 2, rate: 0.5 });
  });

  it('groups by counter and procedure, a centre-wide invitation having no counter', async () => {
    const result = await responseRate(
      deps,
      await actorOn(a.centreId, 'centre_supervisor'),
      query({ from: '2026-11-01', to: '2026-11-30', groupBy: 'counter,procedure' }),
    );
    expect(result.groupBy).toEqual(['counter', 'procedure']);
    expect(result.rows.map((r) => [r.counterName, r.procedureCode, r.issued, r.answered])).toEqual([
      [null, '1.004227', 1, 0],
      ['Quầy 1', '1.001193', 3, 2],
    ]);
    expect(result.rows[1]!.rate).toBeCloseTo(2 / 3);
  });

  it('groups by day and month of issue, and honours the period', async () => {
    const actor = await actorOn(a.provinceId, 'viewer');
    const byDay = await responseRate(deps, actor, query({ from: '2026-11-01', to: '2026-12-31', groupBy: 'day' }));
    expect(byDay.rows.map((r) => [r.period, r.issued, r.answered])).toEqual([
      ['2026-11-02', 4, 2],
      ['2026-11-03', 2, 1],
      ['2026-12-01', 1, 0],
    ]);
    const byMonth = await responseRate(deps, actor, query({ from: '2026-11-03', to: '2026-12-31', groupBy: 'month' }));
    expect(byMonth.rows.map((r) => [r.period, r.issued])).toEqual([
      ['2026-11', 2],
      ['2026-12', 1],
    ]);
  });

  it("never counts another centre's invitations, and refuses narrowing to a unit outside the caller's area", async () => {
    const supervisorA = await actorOn(a.centreId, 'centre_supervisor');
    const own = await responseRate(deps, supervisorA, query({ from: '2026-11-01', to: '2026-11-30' }));
    expect(own.rows.map((r) => r.unitId)).toEqual([a.centreId]);
    const err = await responseRate(deps, supervisorA, query({ from: '2026-11-01', to: '2026-11-30', unitId: b.centreId })).catch(
      (e: unknown) => e,
    );
    expect((err as AppError).code).toBe('forbidden_unit');
    const narrowed = await responseRate(
      deps,
      await actorOn(a.provinceId, 'provincial_officer'),
      query({ from: '2026-11-01', to: '2026-11-30', unitId: b.centreId }),
    );
    expect(narrowed.total.issued).toBe(2);
  });

  it('reports a null rate when nothing was issued', async () => {
    const result = await responseRate(deps, await actorOn(a.provinceId, 'viewer'), query({ from: '2025-01-01', to: '2025-01-31' }));
    expect(result.rows).toEqual([]);
    expect(result.total).toEqual({ issued: 0, answered: 0, expired: 0, pending: 0, rate: null });
  });
});

describe('ResponseRateQuery', () => {
  it('accepts a list of known dimensions and refuses unknown ones and reversed periods', () => {
    expect(query({ from: '2026-11-01', to: '2026-11-30', groupBy: 'unit, month,unit' }).groupBy).toEqual(['unit', 'month']);
    expect(ResponseRateQuery.safeParse({ from: '2026-11-01', to: '2026-11-30', groupBy: 'unit;drop table' }).success).toBe(false);
    expect(ResponseRateQuery.safeParse({ from: '2026-12-01', to: '2026-11-30' }).success).toBe(false);
  });
});
