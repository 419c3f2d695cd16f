import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aSession, asSession, aUser, type TestSession } from '../testing/auth.js';
import { openPostgres, openSqlite, type AppDatabase } from '../db/database.js';
import { migrate, MIGRATIONS } from '../db/migrate.js';
import { createIntake } from '../intake/intake.js';
import { prepareResponse } from '../intake/prepare.js';
import { requireInstrument } from '../instruments/store.js';
import { silentLogger } from '../log.js';
import { resolveSurveyCode } from '../surveys/resolve.js';
import { aResponse, aSite, postJson, type TestSite } from '../testing/builders.js';
import { makeTestApp, testEngine, type TestContext } from '../testing/harness.js';
import { chainHead } from '../db/answer-chain.js';
import { ExportManifest, verifyExport } from './manifest.js';
import { publicKeyFromPem } from './signing.js';
import { verifyAnswerChain } from './verify.js';

/**
 * The hash chain of stored answers and the signed export manifests, on the engine under test: an
 * untouched database verifies; an answer edited or deleted with plain SQL, a link edited, an answer
 * slipped in outside the intake, or the last links dropped are each found and named; a review
 * decision is not an edit; servers writing at once still make one chain; a byte changed in an
 * export fails its manifest.
 */

let t: TestContext;
let site: TestSite;
let admin: TestSession;

async function submit(n: number, answers: Record<string, number | null> = { 'QUAY.1': 4, 'QUAY.2': 5, 'QUAY.3': 3, 'QUAY.4': null, 'QUAY.ALL': 4 }): Promise<string[]> {
  const ids: string[] = [];
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const body = aResponse(site.surveyCode, { answers, comment: i % 3 === 0 ? `Góp ý số ${i}` : undefined });
      const res = await t.app.request(...postJson('/api/responses', body, { 'x-forwarded-for': `198.18.1.${i % 250}` }));
      expect(res.status).toBe(201);
      ids.push(body.id);
    }),
  );
  return ids;
}

/** Runs plain SQL on the database file or server, as someone with access to it would. */
async function tamper(statement: string, ...values: unknown[]): Promise<void> {
  if (t.db.sqlite) {
    t.db.sqlite.prepare(statement).run(...values);
    return;
  }
  let n = 0;
  const text = statement.replace(/\?/g, () => `$${++n}`);
  await sql.raw(text.replace(/\$(\d+)/g, (_, k: string) => pgLiteral(values[Number(k) - 1]))).execute(t.db.kysely);
}

const pgLiteral = (v: unknown) => (v === null ? 'null' : typeof v === 'number' ? String(v) : `'${String(v).replaceAll("'", "''")}'`);

const verify = () => verifyAnswerChain(t.db.kysely);

beforeAll(async () => {
  t = await makeTestApp();
  site = await aSite(t.db, t.clock);
  admin = await aSession(t, (await aUser(t.db, t.clock, { grants: [{ role: 'system_admin', unitId: null }] })).id);
});
afterAll(() => t.cleanup());

describe('the answer chain', () => {
  it('chains each intake batch in commit order, and an untouched database verifies', async () => {
    const ids = await submit(40);
    const report = await verify();
    expect(report).toMatchObject({ ok: true, answers: 40, break: null });
    expect(report.links).toBeGreaterThanOrEqual(1);
    expect(report.head).toEqual(await chainHead(t.db.kysely));
    const links = await t.db.kysely.selectFrom('responses').select('chain_seq').distinct().where('id', 'in', ids).execute();
    expect(links.every((l) => l.chain_seq !== null)).toBe(true);
  });

  it('names an answer whose value was edited with plain SQL, and passes again once it is put back', async () => {
    const [victim] = await t.db.kysely.selectFrom('responses').select(['id', 'answers']).orderBy('id').limit(1).execute();
    const answers = JSON.parse(victim!.answers) as Record<string, number | null>;
    const edited = JSON.stringify({ ...answers, 'QUAY.2': ((answers['QUAY.2'] ?? 1) % 5) + 1 });
    await tamper('update responses set answers = ? where id = ?', edited, victim!.id);
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(report.break!.answerId).toBe(victim!.id);
    expect(report.break!.reason).toContain('edited');
    await tamper('update responses set answers = ? where id = ?', victim!.answers, victim!.id);
    expect((await verify()).ok).toBe(true);
  });

  it('finds an edit that also rewrote the row digest, a deleted answer, an answer added outside the intake, and dropped links', async () => {
    const [victim] = await t.db.kysely.selectFrom('responses').select(['id', 'comment', 'chain_digest', 'chain_seq']).orderBy('id', 'desc').limit(1).execute();
    await tamper("update responses set comment = 'sửa', chain_digest = '0000000000000000' where id = ?", victim!.id);
    const rewritten = await verify();
    expect(rewritten.ok).toBe(false);
    expect(rewritten.break!.seq).toBe(victim!.chain_seq);
    await tamper('update responses set comment = ?, chain_digest = ? where id = ?', victim!.comment, victim!.chain_digest, victim!.id);
    expect((await verify()).ok).toBe(true);

    const full = await t.db.kysely.selectFrom('responses').selectAll().where('id', '=', victim!.id).executeTakeFirstOrThrow();
    await tamper('delete from responses where id = ?', victim!.id);
    const deleted = await verify();
    expect(deleted.break?.reason).toMatch(/deleted/);
    expect(deleted.break?.seq).toBe(victim!.chain_seq);
    await t.db.write((tx) => tx.insertInto('responses').values(full).execute());
    expect((await verify()).ok).toBe(true);

    await tamper("insert into responses (id, instrument_id, unit_id, channel, submitted_at, local_day, local_hour, weekday, answers, lang, created_at) values ('forged-1', 'QUAY@1', ?, 'paper', '2026-11-19T02:00:00.000Z', '2026-11-19', 9, 4, '{\"QUAY.ALL\":5}', 'vi', '2026-11-19T02:00:00.000Z')", site.centreId);
    const forged = await verify();
    expect(forged.break).toMatchObject({ answerId: 'forged-1', seq: null });
    await tamper("delete from responses where id = 'forged-1'");

    const head = await chainHead(t.db.kysely);
    await submit(3);
    const last = await chainHead(t.db.kysely);
    await tamper('update answer_chain set batch_hash = ? where seq = ?', '0'.repeat(64), last.seq);
    expect((await verify()).break?.seq).toBe(last.seq);
    const original = await t.db.kysely.selectFrom('answer_chain').selectAll().where('seq', '>', head.seq).execute();
    // Dropping the newest links with their answers needs an anchor to show: the head a manifest names.
    await tamper('delete from responses where chain_seq > ?', head.seq);
    await tamper('delete from answer_chain where seq > ?', head.seq);
    expect((await verify()).ok).toBe(true);
    const anchored = await verifyAnswerChain(t.db.kysely, { expectHead: last });
    expect(anchored.ok).toBe(false);
    expect(anchored.break!.reason).toContain('removed');
    expect(original.length).toBeGreaterThan(0);
  });

  it('is not broken by a review decision, which changes only whether an answer counts', async () => {
    const [answer] = await t.db.kysely.selectFrom('responses').select('id').limit(1).execute();
    await t.db.write((tx) => tx.updateTable('responses').set({ suspect: 1, suspect_reason: 'device_limit' }).where('id', '=', answer!.id).execute());
    const res = await t.app.request('/api/admin/review/decisions', { method: 'POST', headers: asSession(admin), body: JSON.stringify({ ids: [answer!.id], decision: 'accept' }) });
    expect(res.status).toBe(200);
    expect((await verify()).ok).toBe(true);
  });

  it('stays one chain when two servers write at once', async () => {
    const second: AppDatabase = t.db.sqlite ? openSqlite(t.config.databaseFile) : openPostgres(await pgUrlOf(t));
    try {
      const deps = (db: AppDatabase) => ({ db, config: t.config, clock: t.clock, logger: silentLogger });
      const intakes = [createIntake(deps(t.db)), createIntake(deps(second))];
      const instrument = await requireInstrument(t.db.kysely, 'QUAY@1');
      const target = await resolveSurveyCode(t.db.kysely, t.clock, site.surveyCode);
      const before = await verify();
      await Promise.all(
        Array.from({ length: 120 }, (_, i) =>
          intakes[i % 2]!.submit(
            prepareResponse(aResponse(site.surveyCode), target, instrument.definition, { now: t.clock.now(), commentMaxChars: 500, deviceMarks: [], addressMark: null }),
          ),
        ),
      );
      await Promise.all(intakes.map((i) => i.close()));
      const after = await verify();
      expect(after.ok).toBe(true);
      expect(after.answers - before.answers).toBe(120);
    } finally {
      await second.close();
    }
  });
});

/** The URL of the PostgreSQL database the test app runs on (test:pg only). */
async function pgUrlOf(ctx: TestContext): Promise<string> {
  const row = await sql<{ db: string }>`select current_database() as db`.execute(ctx.db.kysely);
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${row.rows[0]!.db}`;
  return url.toString();
}

describe('answers stored before the chain', () => {
  /** An empty database of the engine under test, not yet migrated. */
  async function emptyDatabase(): Promise<{ db: AppDatabase; drop(): Promise<void> }> {
    if (testEngine === 'sqlite') return { db: openSqlite(`${t.dir}/before-chain.sqlite`), drop: async () => {} };
    const { createTestDatabase } = await import('../testing/postgres.js');
    const created = await createTestDatabase(process.env.TEST_DATABASE_URL!);
    return { db: openPostgres(created.url), drop: created.drop };
  }

  it('are chained by the migration that brings it', async () => {
    const { db, drop } = await emptyDatabase();
    try {
      await migrate(db, MIGRATIONS.filter((m) => m.version < 10));
      // Answers hold plain ids (no foreign keys): nothing else need exist for the chain.
      const old = { surveyPointId: 'sp-old', centreId: 'unit-old', counterId: 'counter-old' };
      const now = t.clock.now().toISOString();
      const rows = Array.from({ length: 25 }, (_, i) => ({
        id: `old-${String(i).padStart(3, '0')}`,
        survey_point_id: old.surveyPointId,
        invitation_id: null,
        instrument_id: 'QUAY@1',
        unit_id: old.centreId,
        counter_id: old.counterId,
        staff_id: null,
        procedure_id: null,
        channel: 'qr_web' as const,
        submitted_at: now,
        local_day: '2026-11-20',
        local_hour: 10,
        weekday: 5,
        answers: `{"QUAY.ALL":${1 + (i % 5)}}`,
        comment: null,
        demographics: null,
        lang: 'vi',
        created_at: now,
      }));
      await db.write((tx) => tx.insertInto('responses').values(rows).execute());
      await migrate(db);
      expect(await verifyAnswerChain(db.kysely)).toMatchObject({ ok: true, answers: 25, links: 1 });
    } finally {
      await db.close();
      await drop();
    }
  });
});

describe('signed exports', () => {
  it('an export names its manifest; the manifest checks the file with the public key, and fails on one changed byte', async () => {
    const res = await t.app.request('/api/admin/exports/summary?from=2026-11-01&to=2026-11-30', { headers: asSession(admin) });
    expect(res.status).toBe(200);
    const file = new Uint8Array(await res.arrayBuffer());
    const where = res.headers.get('x-export-manifest')!;
    expect(where).toMatch(/^\/api\/admin\/export-manifests\/[a-z0-9]+$/);
    const manifestRes = await t.app.request(where, { headers: asSession(admin) });
    expect(manifestRes.status).toBe(200);
    const manifest = ExportManifest.parse(await manifestRes.json());
    expect(manifest).toMatchObject({ kind: 'summary', period: { from: '2026-11-01', to: '2026-11-20' }, instrumentId: 'QUAY@1', algorithm: 'Ed25519' });
    expect(manifest.chainHead).toEqual(await chainHead(t.db.kysely));
    const key = publicKeyFromPem(await (await t.app.request('/public/signing-key.pem')).text());
    expect(verifyExport(file, manifest, key)).toEqual({ ok: true, problems: [] });
    const changed = Uint8Array.from(file);
    changed[Math.floor(changed.length / 2)]! ^= 1;
    expect(verifyExport(changed, manifest, key).problems).toEqual([expect.stringContaining('SHA-256')]);
    expect(verifyExport(file, { ...manifest, period: { from: '2026-10-01', to: '2026-11-30' } }, key).problems).toEqual([expect.stringContaining('signature')]);
    const list = (await (await t.app.request('/api/admin/export-manifests', { headers: asSession(admin) })).json()) as { manifests: { id: string; ready: boolean }[] };
    expect(list.manifests[0]).toMatchObject({ id: where.split('/').at(-1), ready: true });
  });

  it('a streamed raw export gets its manifest after its last byte', async () => {
    const res = await t.app.request('/api/admin/exports/raw?format=csv&from=2026-11-01&to=2026-11-30', { headers: asSession(admin) });
    const where = res.headers.get('x-export-manifest')!;
    const file = new Uint8Array(await res.arrayBuffer());
    await expect.poll(async () => (await t.app.request(where, { headers: asSession(admin) })).status).toBe(200);
    const manifest = await (await t.app.request(where, { headers: asSession(admin) })).json();
    const key = publicKeyFromPem(await (await t.app.request('/public/signing-key.pem')).text());
    expect(verifyExport(file, manifest, key).ok).toBe(true);
  });

  it("another user's manifest is not found", async () => {
    const other = await aSession(t, (await aUser(t.db, t.clock, { grants: [{ role: 'system_admin', unitId: null }] })).id);
    const [row] = await t.db.kysely.selectFrom('export_manifests').select('id').limit(1).execute();
    expect((await t.app.request(`/api/admin/export-manifests/${row!.id}`, { headers: asSession(other) })).status).toBe(404);
  });
});

