import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Role } from '../../schema/admin.js';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONSENT_VERSION, normalizeVietnamesePhone } from '../../schema/callbacks.js';
import { backupOpenDatabase } from '../durability/backup.js';
import { silentLogger } from '../log.js';
import { aSession, asSession, aUser, type TestSession } from '../testing/auth.js';
import { aResponse, aSite, postJson, type TestSite } from '../testing/builders.js';
import { makeTestApp, testEngine, type TestContext } from '../testing/harness.js';
import { startContactRetention } from './retention.js';

const PHONE = '0912 345 678';
const PHONE_STORED = '0912345678';
const EMAIL = 'Nguyen.Van.An@example.vn';
const LOW = { 'QUAY.1': 2, 'QUAY.2': 4, 'QUAY.3': 3, 'QUAY.4': null, 'QUAY.ALL': 3 };
const DAY = 86_400_000;

let t: TestContext;
let site: TestSite;
let assigneeId: string;
let assignee: TestSession;
let otherSupervisor: TestSession;
let officer: TestSession;
let admin: TestSession;

beforeEach(async () => {
  t = await makeTestApp();
  site = await aSite(t.db, t.clock);
  await t.db.kysely.updateTable('survey_points').set({ callback_offered: 1 }).where('id', '=', site.surveyPointId).execute();
  const session = async (grants: { role: Role; unitId: string | null }[]) => aSession(t, (await aUser(t.db, t.clock, { grants })).id);
  // The first supervisor of the centre is the one cases are assigned to.
  assigneeId = (await aUser(t.db, t.clock, { grants: [{ role: 'centre_supervisor', unitId: site.centreId }] })).id;
  assignee = await aSession(t, assigneeId);
  t.clock.advance(1000);
  otherSupervisor = await session([{ role: 'centre_supervisor', unitId: site.centreId }]);
  officer = await session([{ role: 'provincial_officer', unitId: site.provinceId }]);
  admin = await session([{ role: 'system_admin', unitId: null }]);
});
afterEach(() => t.cleanup());

async function answer(answers: Record<string, number | null> = LOW): Promise<string> {
  const response = aResponse(site.surveyCode, { answers });
  const res = await t.app.request(...postJson('/api/responses', response));
  expect(res.status).toBe(201);
  return response.id;
}

const contact = (responseId: string, body: Record<string, unknown>) =>
  t.app.request(...postJson(`/api/responses/${responseId}/contact`, { consent: true, consentVersion: CONSENT_VERSION, ...body }));

async function caseOf(responseId: string) {
  return t.db.kysely
    .selectFrom('cases')
    .innerJoin('case_responses', 'case_responses.case_id', 'cases.id')
    .select(['cases.id', 'cases.source', 'cases.assignee_user_id', 'cases.unit_id'])
    .where('case_responses.response_id', '=', responseId)
    .executeTakeFirstOrThrow();
}

const readContact = (caseId: string, session: TestSession) => t.app.request(`/api/admin/callback-contacts/${caseId}`, { headers: asSession(session) });

describe('leaving a contact after a low answer', () => {
  it('stores it sealed, apart from the answer, and opens a call-back case for the centre', async () => {
    const id = await answer();
    const res = await contact(id, { kind: 'phone', value: PHONE });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ status: 'stored' });
    const opened = await caseOf(id);
    expect(opened.source).toBe('callback');
    expect(opened.unit_id).toBe(site.centreId);
    const row = await t.db.kysely.selectFrom('callback_contacts').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ response_id: id, case_id: opened.id, kind: 'phone', consent_version: CONSENT_VERSION });
    expect(row.sealed).toMatch(/^v1\./);
    expect(row.sealed).not.toContain(PHONE_STORED);
    // The chained answer row is untouched: no contact in it.
    const stored = await t.db.kysely.selectFrom('responses').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(PHONE_STORED);
    // Sent twice (a retry): stored once, one case.
    const again = await contact(id, { kind: 'phone', value: PHONE });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'duplicate' });
    expect(await t.db.kysely.selectFrom('callback_contacts').select('id').execute()).toHaveLength(1);
    expect(await t.db.kysely.selectFrom('cases').select('id').where('source', '=', 'callback').execute()).toHaveLength(1);
  });

  it('refuses a contact that is not wanted or not valid, storing nothing', async () => {
    const high = await answer({ 'QUAY.1': 5, 'QUAY.2': 4, 'QUAY.3': 3, 'QUAY.4': null, 'QUAY.ALL': 4 });
    const notLow = await contact(high, { kind: 'phone', value: PHONE });
    expect(notLow.status).toBe(409);
    expect(((await notLow.json()) as { error: { code: string } }).error.code).toBe('conflict');

    const low = await answer();
    for (const [body, status] of [
      [{ kind: 'phone', value: '12345' }, 400],
      [{ kind: 'phone', value: '0212345678' }, 400],
      [{ kind: 'email', value: 'not-an-address' }, 400],
      [{ kind: 'phone', value: PHONE, consent: false }, 400],
      [{ kind: 'phone', value: PHONE, consentVersion: 'old' }, 400],
    ] as const) {
      const res = await contact(low, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    }
    const unknown = await contact('00000000-0000-4000-8000-000000000000', { kind: 'phone', value: PHONE });
    expect(unknown.status).toBe(404);

    await t.db.kysely.updateTable('survey_points').set({ callback_offered: 0 }).where('id', '=', site.surveyPointId).execute();
    const notOffered = await contact(low, { kind: 'phone', value: PHONE });
    expect(notOffered.status).toBe(409);

    await t.db.kysely.updateTable('survey_points').set({ callback_offered: 1 }).where('id', '=', site.surveyPointId).execute();
    t.clock.advance(25 * 3600_000);
    const late = await contact(low, { kind: 'phone', value: PHONE });
    expect(late.status).toBe(409);

    expect(await t.db.kysely.selectFrom('callback_contacts').select('id').execute()).toHaveLength(0);
    expect(await t.db.kysely.selectFrom('cases').select('id').execute()).toHaveLength(0);
  });

  it('tells the survey page whether the point offers a call-back, never on a shared counter tablet', async () => {
    const offered = (await (await t.app.request(`/api/survey/${site.surveyCode}`)).json()) as { callbackRetentionDays: number | null };
    expect(offered.callbackRetentionDays).toBe(30);
    await t.db.kysely.updateTable('survey_points').set({ kiosk: 1 }).where('id', '=', site.surveyPointId).execute();
    t.clock.advance(5000);
    const kiosk = (await (await t.app.request(`/api/survey/${site.surveyCode}`)).json()) as { callbackRetentionDays: number | null };
    expect(kiosk.callbackRetentionDays).toBeNull();
  });
});

describe('normalizeVietnamesePhone', () => {
  it('takes mobiles and landlines in the usual spellings, nothing else', () => {
    expect(normalizeVietnamesePhone('0912 345 678')).toBe('0912345678');
    expect(normalizeVietnamesePhone('+84 912.345.678')).toBe('0912345678');
    expect(normalizeVietnamesePhone('84912345678')).toBe('0912345678');
    expect(normalizeVietnamesePhone('(0291) 3822 123')).toBe('02913822123');
    for (const bad of ['0123456789', '091234567', '09123456789', '+1 912 345 678', '0912-345-67a', '']) {
      expect(normalizeVietnamesePhone(bad), bad).toBeNull();
    }
  });
});

describe('who reads a contact', () => {
  it("is the case's assignee alone: not another supervisor of the centre, the provincial officer or a system administrator", async () => {
    const id = await answer();
    await contact(id, { kind: 'email', value: EMAIL });
    const { id: caseId } = await caseOf(id);

    const mine = await readContact(caseId, assignee);
    expect(mine.status).toBe(200);
    expect(await mine.json()).toMatchObject({ caseId, responseId: id, kind: 'email', value: EMAIL.toLowerCase(), retentionDays: 30, deleteAfter: null });
    for (const other of [otherSupervisor, officer, admin]) {
      const res = await readContact(caseId, other);
      expect(res.status).toBe(403);
      expect(await res.text()).not.toContain('example.vn');
    }
    expect((await t.app.request(`/api/admin/callback-contacts/${caseId}`)).status).toBe(401);
    // Each reading is audited, without the value.
    const audit = await t.db.kysely.selectFrom('audit_log').selectAll().where('entity', '=', 'callback_contact').execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['callback_contact.create', 'callback_contact.view']);
    expect(JSON.stringify(audit)).not.toContain('example.vn');
  });
});

describe('contacts at rest', () => {
  it.runIf(testEngine === 'sqlite')('are in clear nowhere in the database file or its WAL, and in no raw export', async () => {
    const phoneAnswer = await answer();
    const emailAnswer = await answer();
    expect((await contact(phoneAnswer, { kind: 'phone', value: PHONE })).status).toBe(201);
    expect((await contact(emailAnswer, { kind: 'email', value: EMAIL })).status).toBe(201);
    const files = [t.config.databaseFile, `${t.config.databaseFile}-wal`].filter(existsSync);
    const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
    expect(bytes.length).toBeGreaterThan(100_000);
    // The test can see what it looks for: the answer's id is in the file in clear.
    expect(bytes.includes(Buffer.from(phoneAnswer))).toBe(true);
    for (const needle of [PHONE_STORED, PHONE, '912345678', EMAIL, EMAIL.toLowerCase(), 'example.vn']) {
      expect(bytes.includes(Buffer.from(needle, 'utf8')), needle).toBe(false);
      expect(bytes.includes(Buffer.from(needle, 'utf16le')), needle).toBe(false);
    }

    const raw = await t.app.request(`/api/admin/exports/raw?format=csv&unitId=${site.centreId}&from=2026-11-01&to=2026-11-30`, { headers: asSession(admin) });
    expect(raw.status).toBe(200);
    const csv = await raw.text();
    expect(csv).toContain(phoneAnswer);
    expect(csv).not.toContain(PHONE_STORED);
    expect(csv).not.toContain('example.vn');
  });

  it('no module outside server/callbacks/ reads the contacts table (exports, the public page, the dashboards cannot reach it)', () => {
    const root = path.resolve(import.meta.dirname, '..');
    const query = /(selectFrom|insertInto|updateTable|deleteFrom|innerJoin|leftJoin|createTable|alterTable)\(\s*['"`]callback_contacts\b|\b(from|join|into|update)\s+callback_contacts\b/i;
    const readers: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/\.tsx?$/.test(entry.name) && !entry.name.includes('.test.') && query.test(readFileSync(full, 'utf8'))) {
          readers.push(path.relative(root, full));
        }
      }
    };
    walk(root);
    expect(readers.sort()).toEqual(['callbacks/contacts.ts', 'db/migrations/014_callback_contacts.ts']);
  });
});

describe('retention', () => {
  it('runs on its own timer: at start, then every hour', async () => {
    const id = await answer();
    await contact(id, { kind: 'phone', value: PHONE });
    const { id: caseId } = await caseOf(id);
    await t.db.kysely.updateTable('cases').set({ status: 'dismissed', closed_at: t.clock.now().toISOString() }).where('id', '=', caseId).execute();
    t.clock.advance(31 * DAY);
    const armed: { fn: () => void; ms: number }[] = [];
    const retention = startContactRetention({
      db: t.db,
      clock: t.clock,
      logger: silentLogger,
      retentionDays: 30,
      timers: { set: (fn, ms) => armed.push({ fn, ms }), clear: () => undefined },
    });
    expect(armed.map((a) => a.ms)).toEqual([0]);
    armed[0]!.fn();
    expect(armed.map((a) => a.ms)).toEqual([0, 3600_000]);
    await retention.stop();
    expect(await t.db.kysely.selectFrom('callback_contacts').select('id').execute()).toHaveLength(0);
  });

  it('deletes a contact CALLBACK_RETENTION_DAYS after its case closes, from the table and from the next backup', async () => {
    const id = await answer();
    await contact(id, { kind: 'phone', value: PHONE });
    const { id: caseId } = await caseOf(id);
    const sealed = (await t.db.kysely.selectFrom('callback_contacts').select('sealed').executeTakeFirstOrThrow()).sealed;
    const retention = startContactRetention({ db: t.db, clock: t.clock, logger: silentLogger, retentionDays: 30, timers: { set: () => 0, clear: () => undefined } });
    try {
      // An open case keeps its contact however old it is.
      t.clock.advance(90 * DAY);
      expect(await retention.runNow()).toBe(0);
      const closedAt = t.clock.now();
      await t.db.kysely.updateTable('cases').set({ status: 'resolved', closed_at: closedAt.toISOString() }).where('id', '=', caseId).execute();
      // Sessions do not last months: sign in again.
      assignee = await aSession(t, assigneeId);
      const view = (await (await readContact(caseId, assignee)).json()) as { deleteAfter: string };
      expect(view.deleteAfter).toBe(new Date(closedAt.getTime() + 30 * DAY).toISOString());

      t.clock.advance(30 * DAY - 60_000);
      expect(await retention.runNow()).toBe(0);
      expect(await t.db.kysely.selectFrom('callback_contacts').select('id').execute()).toHaveLength(1);
      t.clock.advance(60_000);
      expect(await retention.runNow()).toBe(1);
      expect(await t.db.kysely.selectFrom('callback_contacts').select('id').execute()).toHaveLength(0);
      assignee = await aSession(t, assigneeId);
      expect((await readContact(caseId, assignee)).status).toBe(404);
      const deletion = await t.db.kysely.selectFrom('audit_log').select('before').where('action', '=', 'callback_contact.delete').executeTakeFirstOrThrow();
      expect(deletion.before).toContain(caseId);

      if (testEngine === 'sqlite') {
        const file = path.join(t.dir, 'backups', 'after-retention.sqlite');
        await backupOpenDatabase(t.db, file);
        const copy = new BetterSqlite3(file, { readonly: true });
        try {
          expect(copy.prepare('select count(*) as n from callback_contacts').get()).toEqual({ n: 0 });
          expect(copy.prepare('select count(*) as n from responses').get()).toEqual({ n: 1 });
        } finally {
          copy.close();
        }
        const bytes = readFileSync(file);
        // Not even the sealed value lingers in a freed page of the backup.
        expect(bytes.includes(Buffer.from(sealed.split('.')[3]!))).toBe(false);
        expect(bytes.includes(Buffer.from(PHONE_STORED))).toBe(false);
      }
    } finally {
      await retention.stop();
    }
  });
});
