import { createTransport } from 'nodemailer';
import type { Config } from '../config.js';
import type { Db } from '../db/types.js';

/** One message; attachments are whole files held in memory (a summary workbook is tens of kilobytes). */
export interface MailMessage {
  to: readonly string[];
  subject: string;
  text: string;
  attachments?: { filename: string; content: Uint8Array; contentType: string }[];
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** Per connection step: a mail server that hangs must not hold the scheduler for minutes. */
const SMTP_TIMEOUT_MS = 30_000;

/** SMTP through nodemailer, or undefined when SMTP_URL is unset (mail is off). */
export function createMailer(config: Pick<Config, 'smtpUrl' | 'mailFrom'>): Mailer | undefined {
  if (!config.smtpUrl) return undefined;
  const transport = createTransport(
    { url: config.smtpUrl, connectionTimeout: SMTP_TIMEOUT_MS, greetingTimeout: SMTP_TIMEOUT_MS, socketTimeout: SMTP_TIMEOUT_MS },
    { from: config.mailFrom },
  );
  return {
    send: async (message) => {
      await transport.sendMail({
        to: [...message.to],
        subject: message.subject,
        text: message.text,
        attachments: message.attachments?.map((a) => ({ filename: a.filename, content: Buffer.from(a.content), contentType: a.contentType })),
      });
    },
    close: () => transport.close(),
  };
}

/** The e-mail addresses of active accounts holding `role` on exactly `unitId`. */
export async function recipientsOf(db: Db, role: 'provincial_officer' | 'centre_supervisor', unitId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .innerJoin('role_grants', 'role_grants.user_id', 'users.id')
    .select('users.email')
    .distinct()
    .where('role_grants.role', '=', role)
    .where('role_grants.unit_id', '=', unitId)
    .where('users.active', '=', 1)
    .where('users.email', 'is not', null)
    .orderBy('users.email')
    .execute();
  return rows.map((r) => r.email!);
}

export type MailKind = 'monthly_summary' | 'alert_digest';

export async function alreadySent(db: Db, kind: MailKind, unitId: string, period: string): Promise<boolean> {
  return (await db.selectFrom('mail_log').select('kind').where('kind', '=', kind).where('unit_id', '=', unitId).where('period', '=', period).executeTakeFirst()) !== undefined;
}

/** Recorded after the server accepted the mail: a crash in between sends it again, never not at all. */
export async function markSent(db: Db, entry: { kind: MailKind; unitId: string; period: string; recipients: number; at: Date }): Promise<void> {
  await db
    .insertInto('mail_log')
    .values({ kind: entry.kind, unit_id: entry.unitId, period: entry.period, recipients: entry.recipients, sent_at: entry.at.toISOString() })
    .onConflict((oc) => oc.columns(['kind', 'unit_id', 'period']).doNothing())
    .execute();
}
