import type { AddressInfo } from 'node:net';
import JSZip from 'jszip';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UserSummary } from '../../schema/admin.js';
import type { Timers } from '../durability/scheduler.js';
import { silentLogger } from '../log.js';
import { aSession, asSession, aUser } from '../testing/auth.js';
import { aResponse, aSite, postJson, type TestSite } from '../testing/builders.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';
import { createMailer, startMailSchedule, type MailSchedule } from './index.js';
import { sendAlertDigests } from './mail-schedule.js';

/** A real SMTP server: every message it accepts, parsed. */
async function startSmtp(): Promise<{ url: string; mails: ParsedMail[]; close(): Promise<void> }> {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          mails.push(mail);
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, mails, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Timers the test fires by hand, as the clock reaches them. */
function handTimers() {
  const pending: { fn: () => void; ms: number }[] = [];
  const timers: Timers = { set: (fn, ms) => pending.push({ fn, ms }), clear: () => {} };
  return { timers, pending };
}

let t: TestContext;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let site: TestSite;
let schedule: MailSchedule | undefined;

beforeEach(async () => {
  smtp = await startSmtp();
  t = await makeTestApp({ env: { SMTP_URL: smtp.url, MAIL_FROM: 'SIPAS Cà Mau <sipas@camau.gov.vn>' }, now: '2026-11-20T03:00:00Z' });
  site = await aSite(t.db, t.clock);
});
afterEach(async () => {
  await schedule?.stop();
  schedule = undefined;
  await t.cleanup();
  await smtp.close();
});

describe('mail', () => {
  it('is off without SMTP_URL', () => {
    expect(createMailer({ smtpUrl: undefined, mailFrom: 'x@y.z' })).toBeUndefined();
  });

  it('sends the monthly summary at 07:00 on the 1st to the provincial officers, workbook attached, Vietnamese intact, once', async () => {
    const admin = await aSession(t, (await aUser(t.db, t.clock, { grants: [{ role: 'system_admin', unitId: null }] })).id);
    const officer = await aUser(t.db, t.clock, { grants: [{ role: 'provincial_officer', unitId: site.provinceId }] });
    await aUser(t.db, t.clock, { grants: [{ role: 'provincial_officer', unitId: site.provinceId }] }); // no e-mail: no mail
    const patched = await t.app.request(`/api/admin/users/${officer.id}`, { method: 'PATCH', headers: asSession(admin), body: JSON.stringify({ email: 'tran.thi.b@camau.gov.vn' }) });
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as UserSummary).email).toBe('tran.thi.b@camau.gov.vn');
    const refused = await t.app.request(`/api/admin/users/${officer.id}`, { method: 'PATCH', headers: asSession(admin), body: JSON.stringify({ email: 'not-an-address' }) });
    expect(refused.status).toBe(400);
    for (let i = 0; i < 3; i++) expect((await t.app.request(...postJson('/api/responses', aResponse(site.surveyCode)))).status).toBe(201);

    // 06:59 in Vietnam on 1 December: the run is due in a minute.
    t.clock.set('2026-11-30T23:59:00Z');
    const { timers, pending } = handTimers();
    schedule = startMailSchedule({ deps: { db: t.db, config: t.config, clock: t.clock, logger: silentLogger }, mailer: createMailer(t.config)!, timers });
    expect(schedule.nextAt?.toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(pending[0]!.ms).toBe(60_000);
    t.clock.advance(60_000);
    pending[0]!.fn();
    // A second run waits for the first and sends nothing again.
    expect((await schedule.runNow()).summaries).toEqual({ sent: 0, skipped: 1 });

    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.subject).toBe('[SIPAS] Tổng hợp kết quả khảo sát sự hài lòng tháng 11/2026 – Tỉnh 96');
    expect(mail.from?.text).toBe('"SIPAS Cà Mau" <sipas@camau.gov.vn>');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe('tran.thi.b@camau.gov.vn');
    expect(mail.text).toContain('Kính gửi Quý cán bộ phụ trách');
    expect(mail.text).toContain('tháng 11/2026 của Tỉnh 96');
    expect(mail.attachments).toHaveLength(1);
    const [workbook] = mail.attachments;
    expect(workbook!.filename).toBe('sipas-tong-hop_96_2026-11-01_2026-11-30.xlsx');
    expect(workbook!.contentType).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const zip = await JSZip.loadAsync(workbook!.content);
    const sheets = await zip.file('xl/workbook.xml')!.async('string');
    expect(sheets).toContain('<sheet ');
    const log = await t.db.kysely.selectFrom('mail_log').selectAll().execute();
    expect(log).toEqual([{ kind: 'monthly_summary', unit_id: site.provinceId, period: '2026-11', recipients: 1, sent_at: '2026-12-01T00:00:00.000Z' }]);
    console.log(`monthly summary mail: ${mail.attachments.length} attachment ${workbook!.filename} (${workbook!.size} bytes), subject ${JSON.stringify(mail.subject)}`);
  });

  it('sends a digest of open alerts to the supervisors of the unit, nothing where none is open', async () => {
    const supervisor = await aUser(t.db, t.clock, { grants: [{ role: 'centre_supervisor', unitId: site.centreId }] });
    await t.db.write((tx) => tx.updateTable('users').set({ email: 'giam.sat@giarai.gov.vn' }).where('id', '=', supervisor.id).execute());
    const opened = [{ title: 'Thái độ công chức thấp – Quầy 3', unitName: 'Trung tâm PVHCC Giá Rai', openedAt: '2026-11-20T01:00:00Z' }];
    const deps = { db: t.db, config: t.config, clock: t.clock, logger: silentLogger };
    const mailer = createMailer(t.config)!;
    expect(await sendAlertDigests(deps, mailer, '2026-11-20', async () => [])).toEqual({ sent: 0, skipped: 1 });
    expect(await sendAlertDigests(deps, mailer, '2026-11-20', async (_db, unitId) => (unitId === site.centreId ? opened : []))).toEqual({ sent: 1, skipped: 0 });
    expect(await sendAlertDigests(deps, mailer, '2026-11-20', async () => opened)).toEqual({ sent: 0, skipped: 1 });
    mailer.close();
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.subject).toBe(`[SIPAS] 1 cảnh báo đang mở – Trung tâm PVHCC phường 31942 – ngày 20/11/2026`);
    expect(smtp.mails[0]!.text).toContain('• Thái độ công chức thấp – Quầy 3 – Trung tâm PVHCC Giá Rai (mở lúc');
  });
});
