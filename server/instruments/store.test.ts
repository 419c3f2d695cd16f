import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InstrumentDefinition } from '../../schema/instrument.js';
import { fixedClock } from '../clock.js';
import { openSqlite, type AppDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { AppError } from '../http.js';
import { BUILTIN_INSTRUMENTS, QUAY_V1, S17_V1, S23S_V1 } from './catalogue.js';
import {
  ensureBuiltinInstruments,
  getInstrument,
  listInstruments,
  publishInstrumentVersion,
  requireInstrument,
  updateInstrument,
} from './store.js';
import { definitionIssues, parseInstrumentDefinition } from './validate.js';

let dir: string;
let db: AppDatabase;
const clock = fixedClock('2026-11-20T03:00:00Z');

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sipas-instruments-'));
  db = openSqlite(path.join(dir, 'test.sqlite'));
  await migrate(db);
});

afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function thrown(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

async function answerOnce(instrumentId: string) {
  await db.kysely
    .insertInto('responses')
    .values({
      id: crypto.randomUUID(),
      instrument_id: instrumentId,
      survey_point_id: null,
      invitation_id: null,
      unit_id: 'u1',
      counter_id: null,
      staff_id: null,
      procedure_id: null,
      channel: 'qr_web',
      submitted_at: '2026-11-20T03:00:00.000Z',
      local_day: '2026-11-20',
      local_hour: 10,
      weekday: 5,
      answers: JSON.stringify({ 'QUAY.1': 5 }),
      comment: null,
      demographics: null,
      lang: 'vi',
      created_at: '2026-11-20T03:00:00.000Z',
    })
    .execute();
}

const withTitle = (definition: InstrumentDefinition, vi: string): InstrumentDefinition => ({
  ...definition,
  title: { ...definition.title, vi },
});

describe('built-in catalogue', () => {
  it('is internally consistent', () => {
    for (const definition of BUILTIN_INSTRUMENTS) expect(definitionIssues(definition)).toEqual([]);
  });

  it('QUAY@1 has four criteria mapped to SIPAS factors, an overall question, a comment and optional demographics', () => {
    const roles = QUAY_V1.items.map((i) => [i.code, i.role, i.factor]);
    expect(roles).toEqual([
      ['QUAY.1', 'criterion', 'QUAY.F2'],
      ['QUAY.2', 'criterion', 'QUAY.F3'],
      ['QUAY.3', 'criterion', 'QUAY.F3'],
      ['QUAY.4', 'criterion', 'QUAY.F4'],
      ['QUAY.ALL', 'overall', null],
    ]);
    expect(QUAY_V1.factors.map((f) => f.sipasFactor)).toEqual([2, 3, 4]);
    expect(QUAY_V1.comment).toEqual({
      enabled: true,
      prompt: { vi: 'Góp ý để chúng tôi phục vụ tốt hơn (không bắt buộc)', en: 'Comment (optional)' },
    });
    expect(QUAY_V1.demographics).toEqual({ ageBand: true, gender: true, firstVisit: true });
    expect(QUAY_V1.items.every((i) => i.allowNa && i.scale === 'scale5')).toBe(true);
  });

  it('S17@1 has five factors, 22 criteria split 4/5/6/3/4, five factor questions and S17.ALL', () => {
    const criteria = S17_V1.items.filter((i) => i.role === 'criterion');
    expect(criteria).toHaveLength(22);
    expect(S17_V1.factors.map((f) => criteria.filter((c) => c.factor === f.code).length)).toEqual([4, 5, 6, 3, 4]);
    for (const c of criteria) expect(c.code).toMatch(new RegExp(`^${c.factor!.replace('.', '\\.')}\\.\\d$`));
    expect(S17_V1.items.filter((i) => i.role === 'factor_sat').map((i) => [i.code, i.factor])).toEqual(
      [1, 2, 3, 4, 5].map((f) => [`S17.${f}.SAT`, `S17.${f}`]),
    );
    expect(S17_V1.items.filter((i) => i.role === 'overall').map((i) => i.code)).toEqual(['S17.ALL']);
    expect(S17_V1.factors[2]!.title).toEqual({ vi: 'Công chức trực tiếp giải quyết công việc', en: 'Civil servants handling the case' });
  });

  it('S23S@1 is the service part only: 15 criteria S23.S.f.n over five factors', () => {
    expect(S23S_V1.parts.map((p) => p.code)).toEqual(['S']);
    const criteria = S23S_V1.items.filter((i) => i.role === 'criterion');
    expect(criteria).toHaveLength(15);
    expect(S23S_V1.factors.map((f) => criteria.filter((c) => c.factor === f.code).length)).toEqual([3, 4, 4, 2, 2]);
    expect(criteria.every((c) => /^S23\.S\.[1-5]\.\d$/.test(c.code))).toBe(true);
  });
});

describe('instrument store', () => {
  it('installs the built-ins once, however often it runs', async () => {
    expect(await ensureBuiltinInstruments(db.kysely, clock)).toBe(3);
    expect(await ensureBuiltinInstruments(db.kysely, clock)).toBe(0);
    const listed = await listInstruments(db.kysely);
    expect(listed.map((i) => i.id)).toEqual(['QUAY@1', 'S17@1', 'S23S@1']);
    expect(listed[0]!.definition).toEqual(QUAY_V1);
    const row = await db.kysely.selectFrom('instruments').selectAll().where('id', '=', 'S17@1').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ code: 'S17', version: 1, methodology_version: 'sipas-method-2026.1', created_at: '2026-11-20T03:00:00.000Z' });
  });

  it('serves a parsed instrument by id, from memory after the first read', async () => {
    await ensureBuiltinInstruments(db.kysely, clock);
    const first = await getInstrument(db.kysely, 'QUAY@1');
    expect(first?.definition.items.map((i) => i.code)).toContain('QUAY.ALL');
    expect(await getInstrument(db.kysely, 'QUAY@1')).toBe(first);
    expect(await getInstrument(db.kysely, 'QUAY@9')).toBeUndefined();
    expect((await thrown(requireInstrument(db.kysely, 'QUAY@9'))).code).toBe('not_found');
  });

  it('publishes a new version as a new row, and refuses a version that is not newer', async () => {
    await ensureBuiltinInstruments(db.kysely, clock);
    const v2 = { ...withTitle(QUAY_V1, 'Đánh giá tại quầy (bản 2)'), version: 2 };
    const published = await publishInstrumentVersion(db, clock, v2);
    expect(published.id).toBe('QUAY@2');
    expect((await getInstrument(db.kysely, 'QUAY@2'))?.definition.title.vi).toBe('Đánh giá tại quầy (bản 2)');
    expect((await getInstrument(db.kysely, 'QUAY@1'))?.definition.title.vi).toBe(QUAY_V1.title.vi);

    for (const version of [1, 2]) {
      const err = await thrown(publishInstrumentVersion(db, clock, { ...v2, version }));
      expect([err.code, err.status]).toEqual(['conflict', 409]);
      expect(err.message).toContain('publish version 3');
    }
    const brandNew = await publishInstrumentVersion(db, clock, { ...QUAY_V1, code: 'KIOSK', version: 4 });
    expect(brandNew.id).toBe('KIOSK@4');
  });

  it('edits a version nobody answered, and locks it once a response uses it', async () => {
    await ensureBuiltinInstruments(db.kysely, clock);
    expect((await getInstrument(db.kysely, 'QUAY@1'))?.definition.title.vi).toBe(QUAY_V1.title.vi);

    await updateInstrument(db, 'QUAY@1', withTitle(QUAY_V1, 'Sửa lỗi chính tả'));
    expect((await getInstrument(db.kysely, 'QUAY@1'))?.definition.title.vi).toBe('Sửa lỗi chính tả');

    await answerOnce('QUAY@1');
    const err = await thrown(updateInstrument(db, 'QUAY@1', withTitle(QUAY_V1, 'Sửa lần hai')));
    expect([err.code, err.status]).toEqual(['instrument_locked', 409]);
    expect(err.message).toContain('publish a new version of QUAY');
    const row = await db.kysely.selectFrom('instruments').select('title_vi').where('id', '=', 'QUAY@1').executeTakeFirstOrThrow();
    expect(row.title_vi).toBe('Sửa lỗi chính tả');
    expect((await getInstrument(db.kysely, 'QUAY@1'))?.definition.title.vi).toBe('Sửa lỗi chính tả');

    // Other versions stay editable.
    await updateInstrument(db, 'S17@1', withTitle(S17_V1, 'SIPAS 2017'));
    expect((await getInstrument(db.kysely, 'S17@1'))?.definition.title.vi).toBe('SIPAS 2017');
  });

  it('refuses to turn one version into another, or to edit a missing one', async () => {
    await ensureBuiltinInstruments(db.kysely, clock);
    const moved = await thrown(updateInstrument(db, 'QUAY@1', { ...QUAY_V1, version: 2 }));
    expect([moved.code, moved.status]).toEqual(['validation_failed', 400]);
    const missing = await thrown(updateInstrument(db, 'QUAY@7', { ...QUAY_V1, version: 7 }));
    expect([missing.code, missing.status]).toEqual(['not_found', 404]);
  });
});

describe('definition checks', () => {
  it('names every inconsistency', () => {
    const broken: InstrumentDefinition = {
      ...QUAY_V1,
      factors: [...QUAY_V1.factors, { code: 'QUAY.F2', part: 'P', title: { vi: 'Chính sách', en: 'Policy' } }],
      items: [
        ...QUAY_V1.items,
        { ...QUAY_V1.items[0]!, factor: 'QUAY.F9' },
        { ...QUAY_V1.items[4]!, code: 'QUAY.ALL2', factor: 'QUAY.F2' },
        { ...QUAY_V1.items[1]!, code: 'QUAY.F3.SAT', role: 'factor_sat' },
        { ...QUAY_V1.items[1]!, code: 'QUAY.F3.SAT2', role: 'factor_sat' },
      ],
    };
    const messages = definitionIssues(broken).map((i) => i.message);
    expect(messages).toEqual([
      'Factor QUAY.F2 is listed twice',
      'Factor QUAY.F2 belongs to undeclared part P',
      'Item QUAY.1 is listed twice',
      "Item QUAY.1 must belong to one of the instrument's factors",
      'Overall item QUAY.ALL2 belongs to no factor',
      'An instrument has at most one overall item',
      'Factor QUAY.F3 already has a satisfaction question',
    ]);
    expect(() => parseInstrumentDefinition(broken)).toThrow(AppError);
  });

  it('answers any outside input with a definition or a 400, never anything else', () => {
    const nearlyValid = fc.record({
      code: fc.oneof(fc.constant('QUAY'), fc.string()),
      version: fc.oneof(fc.integer(), fc.double()),
      items: fc.oneof(fc.constant(QUAY_V1.items), fc.array(fc.anything(), { maxLength: 3 })),
      factors: fc.oneof(fc.constant(QUAY_V1.factors), fc.anything()),
    });
    fc.assert(
      fc.property(fc.oneof(fc.anything(), nearlyValid.map((patch) => ({ ...QUAY_V1, ...patch }))), (input) => {
        try {
          const definition = parseInstrumentDefinition(input);
          expect(definitionIssues(definition)).toEqual([]);
        } catch (err) {
          expect(err).toBeInstanceOf(AppError);
          expect((err as AppError).status).toBe(400);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
