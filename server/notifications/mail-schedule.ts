import { ExportQuery } from '../../schema/exports.js';
import type { Db } from '../db/types.js';
import type { Deps } from '../deps.js';
import { everyDayAt, realTimers, type Timers } from '../durability/scheduler.js';
import { runExport } from '../exports/run.js';
import type { ExportCaller } from '../exports/scope.js';
import { AppError } from '../http.js';
import { vnDateTime, vnLocalParts } from '../time.js';
import { alreadySent, markSent, recipientsOf, type Mailer } from './mail.js';

/** The scheduler builds the provinces' workbooks as the command line does: all units, audited as 'mail'. */
const MAIL_CALLER: ExportCaller = {
  actor: { userId: 'mail', username: 'mail', displayName: 'Thư tự động SIPAS', grants: [{ role: 'system_admin', unitId: null, unitPath: null }] },
  audit: { system: 'mail' },
};

const FOOTER = '\n\nThư này do hệ thống SIPAS gửi tự động; xin vui lòng không trả lời thư này.';

/** "2026-11" → "11/2026". */
const monthLabel = (month: string) => `${month.slice(5)}/${month.slice(0, 4)}`;

/** The month before the one `day` (YYYY-MM-DD) falls in. */
export function previousMonth(day: string): string {
  const [y, m] = [Number(day.slice(0, 4)), Number(day.slice(5, 7))];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

export interface MailOutcome {
  sent: number;
  skipped: number;
}

/**
 * The monthly SIPAS summary to each province's provincial officers (the accounts with an e-mail
 * holding that role on the province), the summary workbook of the export page attached. A province
 * with no recipients or no answers in the month gets nothing; one already sent is not sent again.
 */
export async function sendMonthlySummaries(deps: Deps, mailer: Mailer, month: string): Promise<MailOutcome> {
  const db = deps.db.kysely;
  const provinces = await db.selectFrom('units').select(['id', 'code', 'name']).where('kind', '=', 'province').where('active', '=', 1).orderBy('code').execute();
  const outcome: MailOutcome = { sent: 0, skipped: 0 };
  for (const province of provinces) {
    const to = await recipientsOf(db, 'provincial_officer', province.id);
    if (to.length === 0 || (await alreadySent(db, 'monthly_summary', province.id, month))) {
      outcome.skipped++;
      continue;
    }
    const query = ExportQuery.parse({ unitId: province.id, period: 'month', at: month, format: 'xlsx' });
    const file = await runExport(deps, MAIL_CALLER, { kind: 'summary', query, generatedBy: 'Thư tổng hợp hằng tháng' }).catch((err: unknown) => {
      // No questionnaire answered in the province that month: nothing to report.
      if (err instanceof AppError && err.code === 'not_found') return null;
      throw err;
    });
    if (!file || !(file.body instanceof Uint8Array)) {
      outcome.skipped++;
      continue;
    }
    await mailer.send({
      to,
      subject: `[SIPAS] Tổng hợp kết quả khảo sát sự hài lòng tháng ${monthLabel(month)} – ${province.name}`,
      text:
        `Kính gửi Quý cán bộ phụ trách,\n\n` +
        `Hệ thống SIPAS gửi kèm bảng tổng hợp kết quả khảo sát sự hài lòng của người dân, tổ chức đối với sự phục vụ ` +
        `của cơ quan hành chính nhà nước tháng ${monthLabel(month)} của ${province.name} (tệp ${file.fileName}).\n` +
        `Số liệu chi tiết, theo từng đơn vị và tiêu chí, xem tại ${deps.config.publicBaseUrl}/admin/.` +
        FOOTER,
      attachments: [{ filename: file.fileName, content: file.body, contentType: file.contentType }],
    });
    await deps.db.write((tx) => markSent(tx, { kind: 'monthly_summary', unitId: province.id, period: month, recipients: to.length, at: deps.clock.now() }));
    deps.logger.info('mail_sent', { kind: 'monthly_summary', unit: province.code, period: month, recipients: to.length });
    outcome.sent++;
  }
  return outcome;
}

/** An open alert as the digest lists it. */
export interface DigestAlert {
  title: string;
  unitName: string;
  openedAt: string;
}

/** The open alerts of a unit's subtree; the alerts feature answers it. */
export type OpenAlertsOf = (db: Db, unitId: string) => Promise<DigestAlert[]>;

/**
 * One digest a day to the supervisors of each unit that has open alerts (the accounts with an
 * e-mail holding centre_supervisor on it). Nothing on a day without open alerts.
 */
export async function sendAlertDigests(deps: Deps, mailer: Mailer, day: string, openAlertsOf: OpenAlertsOf): Promise<MailOutcome> {
  const db = deps.db.kysely;
  const units = await db
    .selectFrom('role_grants')
    .innerJoin('units', 'units.id', 'role_grants.unit_id')
    .select(['units.id', 'units.code', 'units.name'])
    .distinct()
    .where('role_grants.role', '=', 'centre_supervisor')
    .orderBy('units.code')
    .execute();
  const outcome: MailOutcome = { sent: 0, skipped: 0 };
  for (const unit of units) {
    const to = await recipientsOf(db, 'centre_supervisor', unit.id);
    const alerts = to.length === 0 || (await alreadySent(db, 'alert_digest', unit.id, day)) ? [] : await openAlertsOf(db, unit.id);
    if (alerts.length === 0) {
      outcome.skipped++;
      continue;
    }
    const lines = alerts.map((a) => `• ${a.title} – ${a.unitName} (mở lúc ${vnDateTime(new Date(a.openedAt))})`);
    await mailer.send({
      to,
      subject: `[SIPAS] ${alerts.length} cảnh báo đang mở – ${unit.name} – ngày ${day.slice(8)}/${day.slice(5, 7)}/${day.slice(0, 4)}`,
      text:
        `Kính gửi Quý cán bộ phụ trách,\n\n${unit.name} hiện có ${alerts.length} cảnh báo chưa được xử lý:\n\n${lines.join('\n')}\n\n` +
        `Xem và xử lý các cảnh báo, hồ sơ theo dõi tại ${deps.config.publicBaseUrl}/admin/.` +
        FOOTER,
    });
    await deps.db.write((tx) => markSent(tx, { kind: 'alert_digest', unitId: unit.id, period: day, recipients: to.length, at: deps.clock.now() }));
    deps.logger.info('mail_sent', { kind: 'alert_digest', unit: unit.code, period: day, recipients: to.length });
    outcome.sent++;
  }
  return outcome;
}

export interface MailSchedule {
  /** When the next run is due (null once stopped). */
  readonly nextAt: Date | null;
  /** The previous month's summaries (any still unsent) and today's digests; the timer calls this too. */
  runNow(): Promise<{ summaries: MailOutcome; digests: MailOutcome | null }>;
  stop(): Promise<void>;
}

/**
 * Every morning at 07:00 Vietnam time: the previous month's summaries not sent yet (so the 1st of
 * the month, or the first morning the server is up after it) and, when the alerts feature is wired
 * in, the day's alert digests.
 */
export function startMailSchedule(options: { deps: Deps; mailer: Mailer; openAlertsOf?: OpenAlertsOf; timers?: Timers; localHour?: number }): MailSchedule {
  const { deps, mailer } = options;
  let running: Promise<unknown> = Promise.resolve();

  const runNow = () => {
    const run = running.then(async () => {
      const today = vnLocalParts(deps.clock.now()).day;
      const summaries = await sendMonthlySummaries(deps, mailer, previousMonth(today));
      const digests = options.openAlertsOf ? await sendAlertDigests(deps, mailer, today, options.openAlertsOf) : null;
      return { summaries, digests };
    });
    running = run.catch(() => undefined);
    return run;
  };

  const daily = everyDayAt({
    clock: deps.clock,
    timers: options.timers ?? realTimers,
    localHour: options.localHour ?? 7,
    // The SMTP URL may hold a password: only the error's message is logged, never the configuration.
    run: () => void runNow().catch((err: unknown) => deps.logger.error('mail_failed', { message: (err as Error).message })),
  });

  return {
    get nextAt() {
      return daily.nextAt;
    },
    runNow,
    stop: async () => {
      daily.cancel();
      await running.catch(() => undefined);
      mailer.close();
    },
  };
}
