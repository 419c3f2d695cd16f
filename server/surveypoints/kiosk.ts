import { sql } from 'kysely';
import type { Db } from '../db/types.js';

/**
 * Whether a submission from a kiosk survey point comes too soon after the previous one: a shared
 * tablet cannot serve two citizens within a few seconds, so such a burst is kept but flagged
 * suspect. Call it inside the submission's own transaction, before inserting the response, so
 * concurrent submissions see each other. Reads one index entry (responses_point_submitted).
 */
export async function kioskBurst(tx: Db, surveyPointId: string, nowIso: string, minGapSeconds: number): Promise<boolean> {
  if (minGapSeconds <= 0) return false;
  const latest = await tx
    .selectFrom('responses')
    .select(sql<string | null>`max(submitted_at)`.as('at'))
    .where('survey_point_id', '=', surveyPointId)
    .executeTakeFirst();
  if (!latest?.at) return false;
  return Date.parse(nowIso) - Date.parse(latest.at) < minGapSeconds * 1000;
}
