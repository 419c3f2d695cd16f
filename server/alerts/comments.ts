import type { Db } from '../db/types.js';
import { raiseAlerts, type AlertCandidate } from './raise.js';
import { rulesForUnits } from './rules.js';

/** What the per-batch rule needs of a stored answer. */
export interface StoredAnswer {
  id: string;
  unitId: string;
  answers: Record<string, number | null>;
  comment: string | null;
  suspect: boolean;
}

const lowWithComment = (a: StoredAnswer) => !a.suspect && a.comment !== null && a.comment.trim() !== '' && Object.values(a.answers).some((v) => v === 1);

/**
 * Rule (c), in the intake's batch transaction: an answer of 1 on any criterion that carries a comment
 * raises an alert (and its case) at once. The test is in memory; the database is read only for the
 * batch's answers that meet it, so a batch without any costs nothing more. The alert never names
 * the comment's text (it reaches webhooks and the audit log); the case links to the answer.
 */
export async function raiseCommentAlerts(tx: Db, stored: readonly StoredAnswer[], at: Date): Promise<number> {
  const hits = stored.filter(lowWithComment);
  if (hits.length === 0) return 0;
  const rules = await rulesForUnits(tx, hits.map((h) => h.unitId));
  const candidates: AlertCandidate[] = hits
    .filter((answer) => rules.get(answer.unitId)?.lowComment.enabled)
    .map((answer) => {
      const criteria = Object.entries(answer.answers)
        .filter(([, v]) => v === 1)
        .map(([code]) => code);
      return {
        unitId: answer.unitId,
        rule: 'low_comment',
        dedupKey: `low_comment:${answer.id}`,
        title: `Ý kiến chấm 1 điểm kèm góp ý (${criteria.join(', ')})`,
        detail: { criterion: criteria[0], count: criteria.length, responseIds: [answer.id] },
        responseIds: [answer.id],
      };
    });
  return (await raiseAlerts(tx, candidates, (unitId) => rules.get(unitId)!, at)).length;
}
