import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../../schema/admin.js';
import type { Actor } from '../auth/actor.js';
import type { Deps } from '../deps.js';
import { AppError } from '../http.js';
import { silentLogger } from '../log.js';
import { resolveSurveyCode } from '../surveys/resolve.js';
import { aSite, type TestSite } from '../testing/builders.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';
import {
  createSurveyPoint,
  listSurveyPoints,
  pointForInvitation,
  rotateSurveyPointCode,
  updateSurveyPoint,
} from './points.js';

let t: TestContext;
let deps: Deps;
let a: TestSite;
let b: TestSite;

interface AuditEntry {
  action: string;
  entity_id: string | null;
  unit_id: string | null;
  actor_user_id: string | null;
  before: unknown;
  after: unknown;
}

async function auditLog(): Promise<AuditEntry[]> {
  const rows = await t.db.kysely.selectFrom('audit_log').selectAll().where('entity', '=', 'survey_point').orderBy('id').execute();
  return rows.map((r) => ({
    action: r.action,
    entity_id: r.entity_id,
    unit_id: r.unit_id,
    actor_user_id: r.actor_user_id,
    before: r.before === null ? null : JSON.parse(r.before),
    after: r.after === null ? null : JSON.parse(r.after),
  }));
}

async function actorOn(unitId: string, role: Role = 'centre_supervisor'): Promise<Actor> {
  const row = await t.db.kysely.selectFrom('units').select('path').where('id', '=', unitId).executeTakeFirstOrThrow();
  return { userId: 'u1', username: 'tester', displayName: 'Tester', grants: [{ role, unitId, unitPath: row.path }] };
}

async function errorCodeOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return (err as AppError).code;
}

beforeEach(async () => {
  t = await makeTestApp();
  deps = { db: t.db, config: t.config, clock: t.clock, logger: silentLogger };
  a = await aSite(t.db, t.clock, { communeCode: '31942' });
  b = await aSite(t.db, t.clock, { communeCode: '31943' });
});
afterEach(() => t.cleanup());

describe('survey points', () => {
  it('creates a centre-wide point with a short code whose URL is the public base URL + /s/<code>, and audits it', async () => {
    const supervisor = await actorOn(a.centreId);
    const point = await createSurveyPoint(deps, supervisor, { unitId: a.centreId, instrumentId: 'QUAY@1', status: 'open', kiosk: false });
    expect(point.code).toMatch(/^[a-km-z2-9]{10}$/);
    expect(point.url).toBe(`${t.config.publicBaseUrl}/s/${point.code}`);
    expect(point.counterId).toBeNull();
    expect(await auditLog()).toEqual([
      expect.objectContaining({ action: 'survey_point.create', entity_id: point.id, unit_id: a.centreId, actor_user_id: 'u1', before: null }),
    ]);
    const target = await resolveSurveyCode(t.db.kysely, t.clock, point.code);
    expect(target).toMatchObject({ kind: 'point', surveyPointId: point.id, unitId: a.centreId, counterId: null });
  });

  it("refuses another centre's unit, a counter of another unit, and an unknown instrument", async () => {
    const supervisor = await actorOn(a.centreId);
    const base = { instrumentId: 'QUAY@1', status: 'open', kiosk: false } as const;
    expect(await errorCodeOf(createSurveyPoint(deps, supervisor, { ...base, unitId: b.centreId }))).toBe('forbidden_unit');
    expect(await errorCodeOf(createSurveyPoint(deps, supervisor, { ...base, unitId: a.centreId, counterId: b.counterId }))).toBe(
      'validation_failed',
    );
    expect(
      await errorCodeOf(createSurveyPoint(deps, supervisor, { ...base, unitId: a.centreId, instrumentId: 'NOPE@9' })),
    ).toBe('validation_failed');
    expect(await auditLog()).toEqual([]);
  });

  it('lists only points inside the scope, and narrows to a unit only inside the scope', async () => {
    const supervisorA = await actorOn(a.centreId);
    const listA = await listSurveyPoints(deps, supervisorA, {});
    expect(listA.map((p) => p.id)).toEqual([a.surveyPointId]);
    expect(listA[0]).toMatchObject({ counterName: 'Quầy 1', counterCode: 'Q1', kiosk: false, status: 'open' });

    const provincial = await actorOn(a.provinceId, 'provincial_officer');
    const all = await listSurveyPoints(deps, provincial, {});
    expect(all.map((p) => p.id).sort()).toEqual([a.surveyPointId, b.surveyPointId].sort());
    const narrowed = await listSurveyPoints(deps, provincial, { unitId: b.centreId });
    expect(narrowed.map((p) => p.id)).toEqual([b.surveyPointId]);

    expect(await errorCodeOf(listSurveyPoints(deps, supervisorA, { unitId: b.centreId }))).toBe('forbidden_unit');
    expect(await listSurveyPoints(deps, { ...supervisorA, grants: [] }, {})).toEqual([]);
  });

  it('changes status, kiosk flag and instrument; a closed point refuses surveys', async () => {
    const supervisor = await actorOn(a.centreId);
    const closed = await updateSurveyPoint(deps, supervisor, a.surveyPointId, { status: 'closed' });
    expect(closed.status).toBe('closed');
    expect(await errorCodeOf(resolveSurveyCode(t.db.kysely, t.clock, a.surveyCode))).toBe('survey_point_closed');

    await updateSurveyPoint(deps, supervisor, a.surveyPointId, { status: 'open', kiosk: true });
    expect((await resolveSurveyCode(t.db.kysely, t.clock, a.surveyCode)).kiosk).toBe(true);
    expect((await auditLog()).map((e) => [e.action, (e.before as { status: string }).status, (e.after as { status: string }).status])).toEqual([
      ['survey_point.update', 'open', 'closed'],
      ['survey_point.update', 'closed', 'open'],
    ]);
    expect(await errorCodeOf(updateSurveyPoint(deps, supervisor, a.surveyPointId, { instrumentId: 'NOPE@1' }))).toBe(
      'validation_failed',
    );
    expect(await errorCodeOf(updateSurveyPoint(deps, supervisor, b.surveyPointId, { status: 'closed' }))).toBe('forbidden_unit');
    const viewer = await actorOn(a.centreId, 'viewer');
    expect(await errorCodeOf(updateSurveyPoint(deps, viewer, a.surveyPointId, { status: 'closed' }))).toBe('forbidden_unit');
  });

  it('rotates a code: every old code answers "no longer in use", the new one leads to the same point', async () => {
    const supervisor = await actorOn(a.centreId);
    const first = await rotateSurveyPointCode(deps, supervisor, a.surveyPointId);
    const second = await rotateSurveyPointCode(deps, supervisor, a.surveyPointId);
    expect(new Set([a.surveyCode, first.code, second.code]).size).toBe(3);
    for (const old of [a.surveyCode, first.code]) {
      expect(await errorCodeOf(resolveSurveyCode(t.db.kysely, t.clock, old))).toBe('survey_point_retired');
    }
    expect((await resolveSurveyCode(t.db.kysely, t.clock, second.code)).surveyPointId).toBe(a.surveyPointId);
    expect((await auditLog()).map((e) => e.after)).toEqual([{ code: first.code }, { code: second.code }]);
    expect(await errorCodeOf(rotateSurveyPointCode(deps, supervisor, b.surveyPointId))).toBe('forbidden_unit');
  });
});

describe('pointForInvitation', () => {
  it("uses the counter's own point, and creates one centre-wide point on demand, once", async () => {
    const counterPoint = await t.db.write((tx) => pointForInvitation(tx, t.clock, a.centreId, a.counterId));
    expect(counterPoint).toBe(a.surveyPointId);
    const centreWide = await t.db.write((tx) => pointForInvitation(tx, t.clock, a.centreId, null));
    const again = await t.db.write((tx) => pointForInvitation(tx, t.clock, a.centreId, null));
    expect(again).toBe(centreWide);
    const row = await t.db.kysely.selectFrom('survey_points').selectAll().where('id', '=', centreWide).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ unit_id: a.centreId, counter_id: null, instrument_id: 'QUAY@1', status: 'open', kiosk: 0 });
  });

  it('prefers an open, non-kiosk point over a kiosk or closed one', async () => {
    const supervisor = await actorOn(a.centreId);
    await updateSurveyPoint(deps, supervisor, a.surveyPointId, { kiosk: true });
    const phone = await createSurveyPoint(
      deps,
      supervisor,
      { unitId: a.centreId, counterId: a.counterId, instrumentId: 'QUAY@1', status: 'open', kiosk: false }
    );
    expect(await t.db.write((tx) => pointForInvitation(tx, t.clock, a.centreId, a.counterId))).toBe(phone.id);
    await updateSurveyPoint(deps, supervisor, phone.id, { status: 'closed' });
    expect(await t.db.write((tx) => pointForInvitation(tx, t.clock, a.centreId, a.counterId))).toBe(a.surveyPointId);
  });
});
