import { SUSPECT_REASONS, type SuspectReason } from '../../schema/review.js';
import type { Db, NewResponse } from '../db/types.js';
import { insertChained, type ChainableAnswer } from '../db/answer-chain.js';
import { insertRows } from '../db/bulk.js';
import { applyRollupDeltas, computeRollupDeltas, type RollupSource } from '../rollups/index.js';
import { recordEvents } from '../notifications/index.js';
import { consumeInvitation } from '../surveys/resolve.js';
import type { PreparedResponse } from './prepare.js';

export type WriteOutcome = 'accepted' | 'duplicate' | 'invitation_used';

/** The anti-abuse limits (Config carries them under these names). */
export interface BatchSettings {
  /** Submissions a device may make to one survey point per hour before later ones are flagged. */
  deviceLimitPerHour: number;
  /** Submissions one network address may make to one survey point per hour before later ones are flagged. */
  addressLimitPerHour: number;
  /** Minimum seconds between two submissions at one kiosk before later ones are flagged. */
  kioskMinGapSeconds: number;
  /** The benchmark's control run only: store answers outside the hash chain, to measure what it costs. */
  unchained?: boolean;
}

/**
 * Writes one group-commit batch inside the caller's transaction: idempotent on the client id,
 * single-use invitations consumed atomically, abuse flags decided, rows and rollups written together.
 * Every check is a conditional write, so it also holds between several servers on one PostgreSQL.
 */
export async function writeBatch(tx: Db, batch: PreparedResponse[], settings: BatchSettings): Promise<WriteOutcome[]> {
  const known = new Set(
    (
      await tx
        .selectFrom('responses')
        .select('id')
        .where('id', 'in', [...new Set(batch.map((r) => r.id))])
        .execute()
    ).map((r) => r.id),
  );
  const outcomes: WriteOutcome[] = [];
  const candidates: PreparedResponse[] = [];
  for (const response of batch) {
    if (known.has(response.id)) {
      outcomes.push('duplicate');
      continue;
    }
    if (response.target.invitationId) {
      const consumed = await consumeInvitation(tx, response.target.invitationId, response.id, response.submittedAt);
      if (!consumed) {
        outcomes.push('invitation_used');
        continue;
      }
    }
    known.add(response.id);
    outcomes.push('accepted');
    candidates.push(response);
  }
  if (candidates.length === 0) return outcomes;

  const suspect = await suspectReasons(tx, candidates, settings);
  const rows: ChainableAnswer[] = candidates.map((r) => ({
    id: r.id,
    survey_point_id: r.target.surveyPointId,
    invitation_id: r.target.invitationId,
    instrument_id: r.instrumentId,
    unit_id: r.target.unitId,
    counter_id: r.target.counterId,
    staff_id: r.target.staffId,
    procedure_id: r.target.procedureId,
    channel: r.channel,
    submitted_at: r.submittedAt,
    local_day: r.localDay,
    local_hour: r.localHour,
    weekday: r.weekday,
    answers: JSON.stringify(r.answers),
    comment: r.comment,
    demographics: r.demographics,
    lang: r.lang,
    suspect: suspect.has(r) ? 1 : 0,
    suspect_reason: suspect.get(r) ?? null,
    created_at: r.submittedAt,
    chain_seq: null,
    chain_digest: null,
  }));
  // Another server may have stored the same id since the check above: only rows inserted here count.
  const insert = async (chunked: NewResponse[]) => {
    const stored = await insertRows<{ id: string }>(tx, 'responses', chunked, 'on conflict ("id") do nothing returning "id"');
    return new Set(stored.map(({ id }) => id));
  };
  // The batch is one link of the answer chain, sealed in this transaction over the rows it stored.
  const inserted = settings.unchained ? await insert(rows) : await insertChained(tx, rows, insert);
  const stored = candidates.filter((r) => inserted.has(r.id));
  batch.forEach((r, i) => {
    if (outcomes[i] === 'accepted' && !inserted.has(r.id)) outcomes[i] = 'duplicate';
  });
  const sources: RollupSource[] = stored.map((r) => ({
    unit_id: r.target.unitId,
    counter_id: r.target.counterId ?? '',
    staff_id: r.target.staffId ?? '',
    procedure_id: r.target.procedureId ?? '',
    channel: r.channel,
    instrument_id: r.instrumentId,
    local_day: r.localDay,
    local_hour: r.localHour,
    weekday: r.weekday,
    answers: r.answers,
    suspect: suspect.has(r),
  }));
  const binaryByInstrument = new Map(stored.map((r) => [r.instrumentId, r.binaryItems]));
  const isBinary = (instrumentId: string, code: string) => binaryByInstrument.get(instrumentId)?.has(code) ?? false;
  await applyRollupDeltas(tx, computeRollupDeltas(sources, isBinary));
  // Webhooks, in this transaction: one small read and no write when no subscription wants them.
  if (stored.length > 0) await recordEvents(tx, 'response.created', stored.map(responseCreatedEvent), new Date(stored.at(-1)!.submittedAt));
  return outcomes;
}

/** What a webhook may learn of a stored answer: ids, the instrument and the scores, never the comment or demographics. */
function responseCreatedEvent(r: PreparedResponse): { subject: string; data: Record<string, unknown> } {
  return {
    subject: `response:${r.id}`,
    data: {
      responseId: r.id,
      unitId: r.target.unitId,
      surveyPointId: r.target.surveyPointId,
      counterId: r.target.counterId,
      staffId: r.target.staffId,
      procedureId: r.target.procedureId,
      instrumentId: r.instrumentId,
      channel: r.channel,
      submittedAt: r.submittedAt,
      answers: r.answers,
    },
  };
}

const markKey = (hash: string, surveyPointId: string, hourBucket: string) => `${hash}|${surveyPointId}|${hourBucket}`;
const hourBucket = (iso: string) => iso.slice(0, 13);

/**
 * Flags what the anti-abuse rules catch, with the first reason in SUSPECT_REASONS' order. Flagged
 * submissions are still stored and acknowledged; they count nowhere until a supervisor accepts them.
 */
async function suspectReasons(tx: Db, responses: PreparedResponse[], settings: BatchSettings): Promise<Map<PreparedResponse, SuspectReason>> {
  const reasons = new Map<PreparedResponse, Set<SuspectReason>>();
  const flag = (reason: SuspectReason) => (r: PreparedResponse) => {
    reasons.set(r, (reasons.get(r) ?? new Set()).add(reason));
  };
  await overHourlyLimits(tx, responses, settings, flag);
  for (const r of await kioskBursts(tx, responses, settings)) flag('kiosk_gap')(r);
  return new Map([...reasons].map(([r, rs]) => [r, SUSPECT_REASONS.find((reason) => rs.has(reason))!]));
}

interface Counted {
  reason: 'address_limit' | 'device_limit';
  limit: number;
  /** This batch's submissions under one mark, in arrival order. */
  responses: PreparedResponse[];
}

/**
 * Counts each mark's submissions to each survey point this hour with one atomic increment per mark
 * (RETURNING the new total), and flags the submissions past the mark's hourly limit: the address
 * limit for the address mark, the device limit for device marks. Both kinds go through the same
 * statements. A kiosk is one shared device, so device marks do not count there (kioskBursts judges
 * it); an invitation is single-use already, so its answer does not count against its address.
 */
async function overHourlyLimits(
  tx: Db,
  responses: PreparedResponse[],
  settings: BatchSettings,
  flag: (reason: Counted['reason']) => (r: PreparedResponse) => void,
): Promise<void> {
  const byKey = new Map<string, Counted>();
  const count = (hash: string, r: PreparedResponse, reason: Counted['reason'], limit: number) => {
    const key = markKey(hash, r.target.surveyPointId, hourBucket(r.submittedAt));
    const counted = byKey.get(key);
    if (counted) counted.responses.push(r);
    else byKey.set(key, { reason, limit, responses: [r] });
  };
  for (const r of responses) {
    if (r.addressMark !== null && r.target.invitationId === null) count(r.addressMark, r, 'address_limit', settings.addressLimitPerHour);
    if (r.target.kiosk) continue;
    for (const hash of r.deviceMarks) count(hash, r, 'device_limit', settings.deviceLimitPerHour);
  }
  const rows = [...byKey].map(([key, counted]) => {
    const [mark_hash, survey_point_id, hour_bucket] = key.split('|') as [string, string, string];
    return { mark_hash, survey_point_id, hour_bucket, n: counted.responses.length };
  });
  const totals = await insertRows<{ mark_hash: string; survey_point_id: string; hour_bucket: string; n: number }>(
    tx,
    'device_marks',
    rows,
    'on conflict ("mark_hash", "survey_point_id", "hour_bucket") do update set "n" = "device_marks"."n" + excluded."n" returning "mark_hash", "survey_point_id", "hour_bucket", "n"',
  );
  for (const total of totals) {
    const { reason, limit, responses: rs } = byKey.get(markKey(total.mark_hash, total.survey_point_id, total.hour_bucket))!;
    // This batch's submissions are the last rs.length of the total, in arrival order.
    rs.forEach((r, k) => {
      if (total.n - rs.length + k + 1 > limit) flag(reason)(r);
    });
  }
}

/** Kiosk submissions closer than the minimum gap to the previous one at the same survey point. */
async function kioskBursts(tx: Db, responses: PreparedResponse[], settings: BatchSettings): Promise<PreparedResponse[]> {
  const lastAt = new Map<string, number>();
  const flagged: PreparedResponse[] = [];
  for (const r of responses) {
    if (!r.target.kiosk) continue;
    const pointId = r.target.surveyPointId;
    let previous = lastAt.get(pointId);
    if (previous === undefined) {
      const row = await tx
        .selectFrom('responses')
        .select('submitted_at')
        .where('survey_point_id', '=', pointId)
        .orderBy('submitted_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      previous = row ? Date.parse(row.submitted_at) : Number.NEGATIVE_INFINITY;
    }
    const at = Date.parse(r.submittedAt);
    lastAt.set(pointId, at);
    if (at - previous < settings.kioskMinGapSeconds * 1000) flagged.push(r);
  }
  return flagged;
}

/** Device marks live two hours at most: they only exist to spot bursts. */
export async function purgeOldMarks(tx: Db, now: Date): Promise<void> {
  const cutoff = hourBucket(new Date(now.getTime() - 2 * 3600_000).toISOString());
  await tx.deleteFrom('device_marks').where('hour_bucket', '<', cutoff).execute();
}
