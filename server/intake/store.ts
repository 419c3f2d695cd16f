import type { Db, NewResponse } from '../db/types.js';
import { applyRollupDeltas, computeRollupDeltas, type RollupSource } from '../rollups/index.js';
import { consumeInvitation } from '../surveys/resolve.js';
import type { PreparedResponse } from './prepare.js';

export type WriteOutcome = 'accepted' | 'duplicate' | 'invitation_used';

export interface BatchSettings {
  /** Submissions a device may make to one survey point per hour before later ones are flagged. */
  deviceLimitPerHour: number;
  /** Minimum seconds between two submissions at one kiosk before later ones are flagged. */
  kioskMinGapSeconds: number;
}

const INSERT_CHUNK = 200;

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

  const suspect = new Set([...(await overDeviceLimit(tx, candidates, settings)), ...(await kioskBursts(tx, candidates, settings))]);
  const rows: NewResponse[] = candidates.map((r) => ({
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
    created_at: r.submittedAt,
  }));
  // Another server may have stored the same id since the check above: only rows inserted here count.
  const inserted = new Set<string>();
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const ids = await tx
      .insertInto('responses')
      .values(rows.slice(i, i + INSERT_CHUNK))
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .execute();
    for (const { id } of ids) inserted.add(id);
  }
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
  return outcomes;
}

const markKey = (hash: string, surveyPointId: string, hourBucket: string) => `${hash}|${surveyPointId}|${hourBucket}`;
const hourBucket = (iso: string) => iso.slice(0, 13);

/**
 * Counts each device mark's submissions to each survey point this hour with one atomic increment
 * per mark (RETURNING the new total), and flags the submissions past the hourly limit. A kiosk is
 * one shared device, so kiosk submissions are judged by kioskBursts instead.
 */
async function overDeviceLimit(tx: Db, responses: PreparedResponse[], settings: BatchSettings): Promise<PreparedResponse[]> {
  const byKey = new Map<string, PreparedResponse[]>();
  for (const r of responses) {
    if (r.channel === 'counter_tablet') continue;
    for (const hash of r.deviceMarks) {
      const key = markKey(hash, r.target.surveyPointId, hourBucket(r.submittedAt));
      byKey.set(key, [...(byKey.get(key) ?? []), r]);
    }
  }
  const rows = [...byKey].map(([key, rs]) => {
    const [mark_hash, survey_point_id, hour_bucket] = key.split('|') as [string, string, string];
    return { mark_hash, survey_point_id, hour_bucket, n: rs.length };
  });
  const flagged: PreparedResponse[] = [];
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const totals = await tx
      .insertInto('device_marks')
      .values(rows.slice(i, i + INSERT_CHUNK))
      .onConflict((oc) =>
        oc.columns(['mark_hash', 'survey_point_id', 'hour_bucket']).doUpdateSet((eb) => ({ n: eb('device_marks.n', '+', eb.ref('excluded.n')) })),
      )
      .returning(['mark_hash', 'survey_point_id', 'hour_bucket', 'n'])
      .execute();
    for (const total of totals) {
      const rs = byKey.get(markKey(total.mark_hash, total.survey_point_id, total.hour_bucket))!;
      // This batch's submissions are the last rs.length of the total, in arrival order.
      rs.forEach((r, k) => {
        if (total.n - rs.length + k + 1 > settings.deviceLimitPerHour) flagged.push(r);
      });
    }
  }
  return flagged;
}

/** Kiosk submissions closer than the minimum gap to the previous one at the same survey point. */
async function kioskBursts(tx: Db, responses: PreparedResponse[], settings: BatchSettings): Promise<PreparedResponse[]> {
  const lastAt = new Map<string, number>();
  const flagged: PreparedResponse[] = [];
  for (const r of responses) {
    if (r.channel !== 'counter_tablet') continue;
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
