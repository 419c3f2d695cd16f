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
import { BUILTIN_INSTRUMENTS, QUAY_V1, S17_V1, S23_V1, S23S_V1, SIPAS_CATALOGUE } from './catalogue.js';
import {
  ensureBuiltinInstruments,
  getInstrument,
  getInstrumentRecord,
  insertDraft,
  listInstruments,
  publishDraft,
  publishInstrumentVersion,
  replaceDraft,
  requireInstrument,
} from './store.js';
import { definitionIssues, parseInstrumentDefinition, publishIssues } from './validate.js';

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

  it('S23@1 has both parts: four policy factors (8 criteria) and the five service factors of S23S', () => {
    expect(S23_V1.parts.map((p) => p.code)).toEqual(['P', 'S']);
    expect(S23_V1.factors.filter((f) => f.part === 'P').map((f) => f.code)).toEqual(['S23.P.1', 'S23.P.2', 'S23.P.3', 'S23.P.4']);
    expect(S23_V1.factors.filter((f) => f.part === 'S').map((f) => [f.code, f.sipasFactor])).toEqual(S23S_V1.factors.map((f) => [f.code, f.sipasFactor]));
    const policy = S23_V1.items.filter((i) => i.factor?.startsWith('S23.P.'));
    expect(policy).toHaveLength(8);
    expect(S23_V1.items.filter((i) => i.factor?.startsWith('S23.S.'))).toEqual(S23S_V1.items);
    expect(publishIssues(S23_V1)).toEqual([]);
  });

  it('offers every S17 and S23 criterion, each with its factor and part, for provinces to pick', () => {
    expect(SIPAS_CATALOGUE).toHaveLength(22 + 8 + 15);
    for (const entry of SIPAS_CATALOGUE) {
      expect(entry.item.factor).toBe(entry.factor.code);
      expect(entry.part.code).toBe(entry.factor.part);
    }
    expect(SIPAS_CATALOGUE.find((e) => e.item.code === 'S23.P.2.1')).toMatchObject({ source: 'S23@1', part: { code: 'P' } });
  });
});

describe('instrument store', () => {
  it('installs the built-ins once, published and owned by no province, however often it runs', async () => {
    expect(await ensureBuiltinInstruments(db.kysely, clock)).toBe(4);
    expect(await ensureBuiltinInstruments(db.kysely, clock)).toBe(0);
    const listed = await listInstruments(db.kysely);
    expect(listed.map((i) => i.id)).toEqual(['QUAY@1', 'S17@1', 'S23@1', 'S23S@1']);
    expect(listed[0]!.definition).toEqual(QUAY_V1);
    const row = await db.kysely.selectFrom('instruments').selectAll().where('id', '=', 'S17@1').executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      code: 'S17',
      version: 1,
      methodology_version: 'sipas-method-2026.1',
      created_at: '2026-11-20T03:00:00.000Z',
      owner_unit_id: null,
      status: 'published',
      published_at: '2026-11-20T03:00:00.000Z',
    });
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
    // A code belongs to one owner: nobody else adds versions to it.
    const taken = await thrown(publishInstrumentVersion(db, clock, { ...QUAY_V1, code: 'KIOSK', version: 5 }, 'some-province'));
    expect([taken.code, taken.issues?.[0]?.path]).toEqual(['conflict', ['code']]);
  });

  it('edits a draft in place, never serves a stale copy of it, and freezes it once published', async () => {
    await ensureBuiltinInstruments(db.kysely, clock);
    const draft = { ...QUAY_V1, code: 'CMQUAY' };
    await db.write((tx) => insertDraft(tx, clock, draft, null));
    expect((await getInstrumentRecord(db.kysely, 'CMQUAY@1'))?.status).toBe('draft');
    expect((await getInstrument(db.kysely, 'CMQUAY@1'))?.definition.title.vi).toBe(QUAY_V1.title.vi);

    await db.write((tx) => replaceDraft(tx, clock, 'CMQUAY@1', withTitle(draft, 'Sửa lỗi chính tả')));
    expect((await getInstrument(db.kysely, 'CMQUAY@1'))?.definition.title.vi).toBe('Sửa lỗi chính tả');
    const moved = await thrown(db.write((tx) => replaceDraft(tx, clock, 'CMQUAY@1', { ...draft, version: 2 })));
    expect([moved.code, moved.status]).toEqual(['validation_failed', 400]);

    await db.write((tx) => publishDraft(tx, clock, 'CMQUAY@1'));
    expect(await getInstrumentRecord(db.kysely, 'CMQUAY@1')).toMatchObject({ status: 'published', publishedAt: '2026-11-20T03:00:00.000Z' });
    const frozen = await thrown(db.write((tx) => replaceDraft(tx, clock, 'CMQUAY@1', withTitle(draft, 'Sửa lần hai'))));
    expect([frozen.code, frozen.status]).toEqual(['instrument_locked', 409]);
    expect((await getInstrument(db.kysely, 'CMQUAY@1'))?.definition.title.vi).toBe('Sửa lỗi chính tả');
    const again = await thrown(db.write((tx) => publishDraft(tx, clock, 'CMQUAY@1')));
    expect(again.code).toBe('conflict');
    // Built-in versions are published, so frozen too.
    const builtIn = await thrown(db.write((tx) => replaceDraft(tx, clock, 'QUAY@1', withTitle(QUAY_V1, 'x'))));
    expect(builtIn.code).toBe('instrument_locked');
  });

  it('keeps an empty draft, but publishes only a questionnaire with something to score in every factor and part', async () => {
    const empty = { ...QUAY_V1, code: 'EMPTY', items: [], factors: [{ ...QUAY_V1.factors[0]! }] };
    await db.write((tx) => insertDraft(tx, clock, empty, null));
    const err = await thrown(db.write((tx) => publishDraft(tx, clock, 'EMPTY@1')));
    expect([err.code, err.status]).toEqual(['validation_failed', 400]);
    expect(err.issues).toEqual([
      { path: ['items'], message: 'Add at least one criterion' },
      { path: ['factors', 0], message: 'Factor QUAY.F2 has no criterion: add one or remove the factor' },
    ]);
    expect(publishIssues({ ...S23_V1, factors: S23_V1.factors.filter((f) => f.part === 'S') })).toEqual([
      { path: ['parts', 0], message: 'Part P has no factor: add one or remove the part' },
    ]);
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
