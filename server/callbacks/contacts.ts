import {
  CALLBACK_WINDOW_HOURS,
  consentText,
  isLowAnswer,
  type CallbackContactResult,
  type CallbackContactView,
  type ContactValue,
} from '../../schema/callbacks.js';
import { binaryItemsOf } from '../../schema/instrument.js';
import type { Lang } from '../../schema/survey.js';
import type { Actor } from '../auth/actor.js';
import { recordAudit } from '../audit/record.js';
import { caseClosedTimes, isCaseAssignee, openCase } from '../cases/index.js';
import type { Deps } from '../deps.js';
import type { Db } from '../db/types.js';
import { AppError } from '../http.js';
import { newId } from '../ids.js';
import { getInstrument } from '../instruments/store.js';
import { contactSealer } from './sealing.js';

/** The title of the case a call-back opens, in the administration's language. */
const CASE_TITLE = 'Người dân đề nghị được liên hệ lại sau đánh giá thấp';

/** PostgreSQL's unique_violation: another request stored a contact for the same answer first. */
const isUniqueViolation = (err: unknown) => (err as { code?: unknown } | null)?.code === '23505';

/**
 * Stores a citizen's consented contact for an answer already stored, sealed, and opens a follow-up
 * case for it (source 'callback') in the same transaction. Accepted only where the answer's survey
 * point offers call-backs, not from a shared counter tablet, within CALLBACK_WINDOW_HOURS of the
 * answer, and for a low answer (schema/callbacks.ts isLowAnswer). Repeating it is harmless.
 */
export async function leaveContact(
  deps: Deps,
  responseId: string,
  input: { contact: ContactValue; consentVersion: string },
): Promise<CallbackContactResult> {
  try {
    return await deps.db.write((tx) => storeContact(deps, tx, responseId, input));
  } catch (err) {
    if (isUniqueViolation(err) && (await contactOf(deps.db.kysely, responseId))) return { status: 'duplicate' };
    throw err;
  }
}

async function contactOf(db: Db, responseId: string) {
  return db.selectFrom('callback_contacts').select('id').where('response_id', '=', responseId).executeTakeFirst();
}

async function storeContact(
  deps: Deps,
  tx: Db,
  responseId: string,
  input: { contact: ContactValue; consentVersion: string },
): Promise<CallbackContactResult> {
  const now = deps.clock.now();
  const answer = await tx
    .selectFrom('responses as r')
    .innerJoin('survey_points as sp', 'sp.id', 'r.survey_point_id')
    .select(['r.id', 'r.unit_id', 'r.instrument_id', 'r.answers', 'r.channel', 'r.submitted_at', 'sp.callback_offered'])
    .where('r.id', '=', responseId)
    .executeTakeFirst();
  if (!answer) throw new AppError('not_found', 404, 'No answer has this id');
  if (await contactOf(tx, responseId)) return { status: 'duplicate' };
  if (answer.callback_offered !== 1 || answer.channel === 'counter_tablet') {
    throw new AppError('conflict', 409, 'This survey point offers no call-back');
  }
  if (now.getTime() - Date.parse(answer.submitted_at) > CALLBACK_WINDOW_HOURS * 3600_000) {
    throw new AppError('conflict', 409, `A call-back can be asked for only within ${CALLBACK_WINDOW_HOURS} hours of the answer`);
  }
  const instrument = await getInstrument(tx, answer.instrument_id);
  const binaryItems = instrument ? binaryItemsOf(instrument.definition) : new Set<string>();
  if (!isLowAnswer(JSON.parse(answer.answers) as Record<string, number | null>, binaryItems)) {
    throw new AppError('conflict', 409, 'A call-back is offered only after a rating of 1 or 2');
  }
  const id = newId();
  const caseId = await openCase(tx, { unitId: answer.unit_id, source: 'callback', title: CASE_TITLE, responseIds: [responseId], callbackId: id }, null, now);
  await tx
    .insertInto('callback_contacts')
    .values({
      id,
      response_id: responseId,
      unit_id: answer.unit_id,
      case_id: caseId,
      kind: input.contact.kind,
      sealed: contactSealer(deps.config.serverSecret).seal(input.contact.value, responseId),
      consent_version: input.consentVersion,
      created_at: now.toISOString(),
    })
    .execute();
  // The audit entry says that a contact was left, never what it is.
  await recordAudit(tx, {
    actor: { system: 'survey' },
    action: 'callback_contact.create',
    entity: 'callback_contact',
    entityId: id,
    unitId: answer.unit_id,
    after: { responseId, caseId, kind: input.contact.kind, consentVersion: input.consentVersion },
    at: now,
  });
  return { status: 'stored' };
}

/** When a contact goes: retentionDays after its case closed; null while the case is open. */
function deleteAfter(closedAt: string | null, retentionDays: number): string | null {
  return closedAt === null ? null : new Date(Date.parse(closedAt) + retentionDays * 86_400_000).toISOString();
}

/**
 * The contact left with a case, opened for its assignee alone (no role, not even a system
 * administrator's, reads it otherwise). Every reading is audited, without the value.
 */
export async function readCaseContact(deps: Deps, actor: Actor, caseId: string, lang: Lang = 'vi'): Promise<CallbackContactView> {
  if (!(await isCaseAssignee(deps.db.kysely, caseId, actor.userId))) {
    throw new AppError('forbidden', 403, "Only the case's assignee sees the call-back contact");
  }
  return deps.db.write(async (tx) => {
    const row = await tx.selectFrom('callback_contacts').selectAll().where('case_id', '=', caseId).executeTakeFirst();
    if (!row) throw new AppError('not_found', 404, 'This case has no call-back contact (none was left, or it was deleted)');
    const closedAt = (await caseClosedTimes(tx, [caseId])).get(caseId) ?? null;
    await recordAudit(tx, {
      actor,
      action: 'callback_contact.view',
      entity: 'callback_contact',
      entityId: row.id,
      unitId: row.unit_id,
      at: deps.clock.now(),
    });
    return {
      caseId,
      responseId: row.response_id,
      kind: row.kind,
      value: contactSealer(deps.config.serverSecret).open(row.sealed, row.response_id),
      consentVersion: row.consent_version,
      consentText: consentText(lang, deps.config.callbackRetentionDays),
      createdAt: row.created_at,
      retentionDays: deps.config.callbackRetentionDays,
      deleteAfter: deleteAfter(closedAt, deps.config.callbackRetentionDays),
    };
  });
}

/**
 * Deletes every contact whose case closed at least retentionDays ago (or no longer exists), with
 * one audit entry each; returns how many went. The table holds only contacts left after low
 * answers, so reading all of its case ids is cheap.
 */
export async function deleteExpiredContacts(tx: Db, now: Date, retentionDays: number): Promise<number> {
  const contacts = await tx.selectFrom('callback_contacts').select(['id', 'case_id', 'unit_id', 'sealed']).execute();
  if (contacts.length === 0) return 0;
  const closed = await caseClosedTimes(tx, contacts.map((c) => c.case_id));
  const expired = contacts.filter((c) => {
    if (!closed.has(c.case_id)) return true;
    const until = deleteAfter(closed.get(c.case_id) ?? null, retentionDays);
    return until !== null && until <= now.toISOString();
  });
  // Overwritten before the delete: SQLite leaves a deleted row's bytes in the page's free space, and
  // an online backup copies pages whole; a same-length value is rewritten in place.
  for (const contact of expired) {
    await tx.updateTable('callback_contacts').set({ sealed: 'x'.repeat(contact.sealed.length) }).where('id', '=', contact.id).execute();
  }
  for (let i = 0; i < expired.length; i += 400) {
    await tx
      .deleteFrom('callback_contacts')
      .where('id', 'in', expired.slice(i, i + 400).map((c) => c.id))
      .execute();
  }
  for (const contact of expired) {
    await recordAudit(tx, {
      actor: { system: 'callback-retention' },
      action: 'callback_contact.delete',
      entity: 'callback_contact',
      entityId: contact.id,
      unitId: contact.unit_id,
      before: { caseId: contact.case_id, reason: `${retentionDays} days after the case closed` },
      at: now,
    });
  }
  return expired.length;
}
