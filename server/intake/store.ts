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
 */
export async function writeBatch(tx: Db, batch: PreparedResponse[], settings: BatchSettings): Promise<WriteOutcome[]> {
  const existing = new Set(
    (
      await tx
        .selectFrom('responses')
        .select('id')
        .where('id', 'in', [...new Set(batch.map((r) => r.id))])
        .execute()
    ).map((r) => r.id),
  );
  const outcomes: WriteOutcome[] = [];
  const accepted: { response: PreparedResponse; suspect: boolean }[] = [];
  const markCounts = await currentMarkCounts(tx, batch);
  const lastKioskAt = new Map<string, number>();

  for (const response of batch) {
    if (existing.has(response.id)) {
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
    existing.add(response.id);
    outcomes.push('accepted');
    accepted.push({ response, suspect: await isSuspect(tx, response, settings, markCounts, lastKioskAt) });
  }
  if (accepted.length === 0) return outcomes;

  const rows: NewResponse[] = accepted.map(({ response: r, suspect }) => ({
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
    suspect: suspect ? 1 : 0,
    created_at: r.submittedAt,
  }));
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await tx.insertInto('responses').values(rows.slice(i, i + INSERT_CHUNK)).execute();
  }
  await writeMarks(tx, accepted.map((a) => a.response), markCounts);
  const sources: RollupSource[] = accepted.map(({ response: r, suspect }) => ({
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
    suspect,
  }));
  const binaryByInstrument = new Map(accepted.map(({ response: r }) => [r.instrumentId, r.binaryItems]));
  const isBinary = (instrumentId: string, code: string) => binaryByInstrument.get(instrumentId)?.has(code) ?? false;
  await applyRollupDeltas(tx, computeRollupDeltas(sources, isBinary));
  return outcomes;
}

const markKey = (hash: string, surveyPointId: string, hourBucket: string) => `${hash}|${surveyPointId}|${hourBucket}`;
const hourBucket = (iso: string) => iso.slice(0, 13);

/** Counts already recorded this hour for the batch's device marks, to be incremented in memory. */
async function currentMarkCounts(tx: Db, batch: PreparedResponse[]): Promise<Map<string, number>> {
  const hashes = [...new Set(batch.flatMap((r) => r.deviceMarks))];
  const counts = new Map<string, number>();
  if (hashes.length === 0) return counts;
  const rows = await tx
    .selectFrom('device_marks')
    .select(['mark_hash', 'survey_point_id', 'hour_bucket', 'n'])
    .where('mark_hash', 'in', hashes)
    .execute();
  for (const row of rows) counts.set(markKey(row.mark_hash, row.survey_point_id, row.hour_bucket), row.n);
  return counts;
}

async function isSuspect(
  tx: Db,
  response: PreparedResponse,
  settings: BatchSettings,
  markCounts: Map<string, number>,
  lastKioskAt: Map<string, number>,
): Promise<boolean> {
  const pointId = response.target.surveyPointId;
  const at = Date.parse(response.submittedAt);
  if (response.channel === 'counter_tablet') {
    // A kiosk is one shared device: judge it by the gap since its previous submission instead.
    let previous = lastKioskAt.get(pointId);
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
    lastKioskAt.set(pointId, at);
    return at - previous < settings.kioskMinGapSeconds * 1000;
  }
  let suspect = false;
  for (const hash of response.deviceMarks) {
    const key = markKey(hash, pointId, hourBucket(response.submittedAt));
    const seen = markCounts.get(key) ?? 0;
    if (seen >= settings.deviceLimitPerHour) suspect = true;
    markCounts.set(key, seen + 1);
  }
  return suspect;
}

async function writeMarks(tx: Db, accepted: PreparedResponse[], markCounts: Map<string, number>): Promise<void> {
  const keys = new Set(
    accepted
      .filter((r) => r.channel !== 'counter_tablet')
      .flatMap((r) => r.deviceMarks.map((h) => markKey(h, r.target.surveyPointId, hourBucket(r.submittedAt)))),
  );
  const rows = [...keys].map((key) => {
    const [mark_hash, survey_point_id, hour_bucket] = key.split('|') as [string, string, string];
    return { mark_hash, survey_point_id, hour_bucket, n: markCounts.get(key) ?? 1 };
  });
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await tx
      .insertInto('device_marks')
      .values(rows.slice(i, i + INSERT_CHUNK))
      .onConflict((oc) => oc.columns(['mark_hash', 'survey_point_id', 'hour_bucket']).doUpdateSet((eb) => ({ n: eb.ref('excluded.n') })))
      .execute();
  }
}

/** Device marks live two hours at most: they only exist to spot bursts. */
export async function purgeOldMarks(tx: Db, now: Date): Promise<void> {
  const cutoff = hourBucket(new Date(now.getTime() - 2 * 3600_000).toISOString());
  await tx.deleteFrom('device_marks').where('hour_bucket', '<', cutoff).execute();
}
