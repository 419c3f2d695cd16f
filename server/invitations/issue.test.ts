import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../deps.js';
import { AppError } from '../http.js';
import { keyedHash, newId, sha256Hex } from '../ids.js';
import { silentLogger } from '../log.js';
import { consumeInvitation, resolveSurveyCode } from '../surveys/resolve.js';
import { aSite, type TestSite } from '../testing/builders.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';
import { createInvitation, issueInvitation, type InvitationIssuer } from './issue.js';

let t: TestContext;
let deps: Deps;
let a: TestSite;
let b: TestSite;

async function keyFor(unitId: string): Promise<InvitationIssuer> {
  const unit = await t.db.kysely.selectFrom('units').select('path').where('id', '=', unitId).executeTakeFirstOrThrow();
  return { id: `key-${unitId}`, unitId, unitPath: unit.path };
}

async function unitCode(unitId: string): Promise<string> {
  return (await t.db.kysely.selectFrom('units').select('code').where('id', '=', unitId).executeTakeFirstOrThrow()).code;
}

async function aCatalogueEntry(table: 'procedures' | 'staff', code: string): Promise<string> {
  const id = newId();
  const now = t.clock.now().toISOString();
  const base = { id, province_id: a.provinceId, code, name: `${table} ${code}`, created_at: now, updated_at: now };
  await t.db.write((tx) =>
    table === 'procedures'
      ? tx.insertInto('procedures').values({ ...base, field: 'Hộ tịch' }).execute()
      : tx.insertInto('staff').values(base).execute(),
  );
  return id;
}

async function aCounter(unitId: string, code: string): Promise<string> {
  const id = newId();
  const now = t.clock.now().toISOString();
  await t.db.write((tx) =>
    tx.insertInto('counters').values({ id, unit_id: unitId, code, name: `Quầy ${code}`, created_at: now, updated_at: now }).execute(),
  );
  return id;
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; status: number }> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return { code: (err as AppError).code, status: (err as AppError).status };
}

function decodePng(base64: string): string | undefined {
  const img = PNG.sync.read(Buffer.from(base64, 'base64'));
  return jsQR(new Uint8ClampedArray(img.data), img.width, img.height)?.data;
}

const tokenOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);

beforeEach(async () => {
  t = await makeTestApp({ env: { PUBLIC_BASE_URL: 'https://khaosat.example.gov.vn' } });
  deps = { db: t.db, config: t.config, clock: t.clock, logger: silentLogger };
  a = await aSite(t.db, t.clock, { communeCode: '31942' });
  b = await aSite(t.db, t.clock, { communeCode: '31943' });
});
afterEach(() => t.cleanup());

describe('issueInvitation', () => {
  it('returns a single-use link with a 43-character token, stores only hashes, and links the counter, procedure and staff', async () => {
    const procedureId = await aCatalogueEntry('procedures', '1.001612');
    const staffId = await aCatalogueEntry('staff', 'CB07');
    const issued = await issueInvitation(deps, await keyFor(a.centreId), {
      dossierCode: '000.00.31.H96-261120-0001',
      procedureCode: '1.001612',
      counterCode: 'Q1',
      staffCode: 'CB07',
      receivedAt: '2026-11-20T09:30:00+07:00',
      dueAt: '2026-11-25T17:00:00+07:00',
    });
    const token = tokenOf(issued.url);
    expect(issued.url).toBe(`https://khaosat.example.gov.vn/s/${token}`);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(issued.expiresAt).toBe('2026-12-20T03:00:00.000Z');
    expect(decodePng(issued.qrPngBase64)).toBe(issued.url);
    expect(issued.qrSvg).toMatch(/^<svg [^>]*viewBox=/);

    const row = await t.db.kysely.selectFrom('invitations').selectAll().where('id', '=', issued.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      token_hash: sha256Hex(token),
      dossier_hash: keyedHash(t.config.serverSecret, 'dossier', '000.00.31.H96-261120-0001'),
      unit_id: a.centreId,
      counter_id: a.counterId,
      survey_point_id: a.surveyPointId,
      procedure_id: procedureId,
      staff_id: staffId,
      received_at: '2026-11-20T02:30:00.000Z',
      due_at: '2026-11-25T10:00:00.000Z',
      returned_at: null,
      issued_day: '2026-11-20',
      used_at: null,
    });
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(token);
    expect(stored).not.toContain('H96-261120');

    const target = await resolveSurveyCode(t.db.kysely, t.clock, token);
    expect(target).toMatchObject({
      kind: 'invitation',
      invitationId: issued.id,
      unitId: a.centreId,
      counterId: a.counterId,
      procedureId,
      staffId,
      instrumentId: 'QUAY@1',
      kiosk: false,
    });
  });

  it('createInvitation gives the token once, inside the link, without drawing a QR', async () => {
    const created = await createInvitation(deps, await keyFor(a.centreId), { dossierCode: 'HS-1' });
    expect(Object.keys(created).sort()).toEqual(['expiresAt', 'id', 'token', 'url']);
    expect(created.url).toBe(`https://khaosat.example.gov.vn/s/${created.token}`);
    expect((await resolveSurveyCode(t.db.kysely, t.clock, created.token)).invitationId).toBe(created.id);
  });

  it('without a counter, links one centre-wide survey point, created on first need', async () => {
    const key = await keyFor(a.centreId);
    const first = await issueInvitation(deps, key, { dossierCode: 'HS-1' });
    const second = await issueInvitation(deps, key, { dossierCode: 'HS-2' });
    const rows = await t.db.kysely
      .selectFrom('invitations')
      .innerJoin('survey_points', 'survey_points.id', 'invitations.survey_point_id')
      .select(['invitations.id', 'survey_points.id as point', 'survey_points.counter_id', 'survey_points.unit_id'])
      .where('invitations.id', 'in', [first.id, second.id])
      .execute();
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((r) => r.point)).size).toBe(1);
    expect(rows[0]).toMatchObject({ counter_id: null, unit_id: a.centreId });
    expect(rows[0]!.point).not.toBe(a.surveyPointId);
  });

  it("refuses an API key issuing for another unit's counter or unit as for an unknown code (400 validation_failed)", async () => {
    const keyA = await keyFor(a.centreId);
    await aCounter(b.centreId, 'Q9');
    const unknown = { code: 'validation_failed', status: 400 };
    expect(await refusal(issueInvitation(deps, keyA, { dossierCode: 'HS-1', counterCode: 'Q9' }))).toEqual(unknown);
    const codeB = await unitCode(b.centreId);
    expect(await refusal(issueInvitation(deps, keyA, { dossierCode: 'HS-1', unitCode: codeB }))).toEqual(unknown);
    expect(await refusal(issueInvitation(deps, keyA, { dossierCode: 'HS-1', unitCode: codeB, counterCode: 'Q1' }))).toEqual(unknown);
    expect(await t.db.kysely.selectFrom('invitations').select('id').execute()).toEqual([]);
  });

  it('lets a province key pick a centre by unitCode, and asks for it when a counter code is ambiguous', async () => {
    const provinceKey = await keyFor(a.provinceId);
    expect(await refusal(issueInvitation(deps, provinceKey, { dossierCode: 'HS-1', counterCode: 'Q1' }))).toEqual({
      code: 'validation_failed',
      status: 400,
    });
    const issued = await issueInvitation(deps, provinceKey, {
      dossierCode: 'HS-1',
      unitCode: await unitCode(b.centreId),
      counterCode: 'Q1',
    });
    const target = await resolveSurveyCode(t.db.kysely, t.clock, tokenOf(issued.url));
    expect(target).toMatchObject({ unitId: b.centreId, counterId: b.counterId, surveyPointId: b.surveyPointId });
  });

  it('refuses unknown catalogue codes and inconsistent dates with a 400 naming the field', async () => {
    const key = await keyFor(a.centreId);
    for (const [input, field] of [
      [{ dossierCode: 'HS-1', counterCode: 'NOPE' }, 'counterCode'],
      [{ dossierCode: 'HS-1', procedureCode: '9.999999' }, 'procedureCode'],
      [{ dossierCode: 'HS-1', staffCode: 'NOBODY' }, 'staffCode'],
      [{ dossierCode: 'HS-1', unitCode: 'NOWHERE' }, 'unitCode'],
      [{ dossierCode: 'HS-1', receivedAt: '2026-11-20T10:00:00Z', dueAt: '2026-11-19T10:00:00Z' }, 'dueAt'],
      [{ dossierCode: 'HS-1', expiresInDays: 0 }, 'expiresInDays'],
      [{ dossierCode: '   ' }, 'dossierCode'],
    ] as const) {
      const err = await issueInvitation(deps, key, input).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('validation_failed');
      expect((err as AppError).issues?.map((i) => i.path[0])).toContain(field);
    }
  });
});

describe('invitation tokens', () => {
  it('refuses a forged token, an expired one, and a used one', async () => {
    const key = await keyFor(a.centreId);
    const forged = 'x'.repeat(43);
    expect(await refusal(resolveSurveyCode(t.db.kysely, t.clock, forged))).toEqual({ code: 'invitation_invalid', status: 404 });

    const short = await issueInvitation(deps, key, { dossierCode: 'HS-EXP', expiresInDays: 1 });
    t.clock.advance(24 * 60 * 60 * 1000);
    expect(await refusal(resolveSurveyCode(t.db.kysely, t.clock, tokenOf(short.url)))).toEqual({
      code: 'invitation_expired',
      status: 410,
    });

    const used = await issueInvitation(deps, key, { dossierCode: 'HS-USED' });
    expect(await t.db.write((tx) => consumeInvitation(tx, used.id, newId(), t.clock.now().toISOString()))).toBe(true);
    expect(await refusal(resolveSurveyCode(t.db.kysely, t.clock, tokenOf(used.url)))).toEqual({
      code: 'invitation_used',
      status: 409,
    });
  });

  it("binds a token to the unit whose key issued it: one unit's token never resolves to another's", async () => {
    const fromB = await issueInvitation(deps, await keyFor(b.centreId), { dossierCode: 'HS-1' });
    const fromA = await issueInvitation(deps, await keyFor(a.centreId), { dossierCode: 'HS-1' });
    expect((await resolveSurveyCode(t.db.kysely, t.clock, tokenOf(fromB.url))).unitId).toBe(b.centreId);
    expect((await resolveSurveyCode(t.db.kysely, t.clock, tokenOf(fromA.url))).unitId).toBe(a.centreId);
  });

  it('reissuing for a dossier replaces the unused link; once the dossier is evaluated it is refused', async () => {
    const key = await keyFor(a.centreId);
    const first = await issueInvitation(deps, key, { dossierCode: 'HS-9', counterCode: 'Q1' });
    const reprint = await issueInvitation(deps, key, { dossierCode: 'HS-9', counterCode: 'Q1' });
    expect(await refusal(resolveSurveyCode(t.db.kysely, t.clock, tokenOf(first.url)))).toEqual({
      code: 'invitation_invalid',
      status: 404,
    });
    expect((await resolveSurveyCode(t.db.kysely, t.clock, tokenOf(reprint.url))).invitationId).toBe(reprint.id);
    await t.db.write((tx) => consumeInvitation(tx, reprint.id, newId(), t.clock.now().toISOString()));
    expect(await refusal(issueInvitation(deps, key, { dossierCode: 'HS-9' }))).toEqual({ code: 'conflict', status: 409 });
    const count = await t.db.kysely.selectFrom('invitations').select('id').execute();
    expect(count).toHaveLength(1);
  });
});
