import { sql } from 'kysely';
import type { Deps } from '../deps.js';
import { binaryItemsOf } from '../../schema/instrument.js';
import { chainHead } from '../db/answer-chain.js';
import type { Db } from '../db/types.js';
import { realTimers, type Timers } from '../durability/index.js';
import { getInstrument } from '../instruments/index.js';
import { raiseAlerts, type AlertCandidate } from './raise.js';
import { rulesForUnits } from './rules.js';

/** What rule (c) needs of an answer. */
interface CommentedAnswer {
  comment: string | null;
  answers: Record<string, number | null>;
  /** Yes/no items: their "1" is not a rating. */
  binaryItems: ReadonlySet<string>;
}

/** The 1–5 criteria rated 1 in an answer that carries a comment (none without a comment): rule (c) raises on any. */
function lowCommentedCriteria(answer: CommentedAnswer): string[] {
  if (answer.comment === null || answer.comment.trim() === '') return [];
  return Object.entries(answer.answers)
    .filter(([code, v]) => v === 1 && !answer.binaryItems.has(code))
    .map(([code]) => code);
}

/** Rule (c)'s test: an answer of 1 on a 1–5 criterion, with a comment. */
export const mayRaiseLowComment = (answer: CommentedAnswer): boolean => lowCommentedCriteria(answer).length > 0;

/**
 * Chain links (intake batches) read, and alerts raised, in one transaction at most: the intake waits
 * for the one writer, so a run at a peak (or a catch-up after an outage) goes in short writes that
 * its batches slip between. A link is never split: its answers are raised together.
 */
const LINKS_PER_TRANSACTION = 64;
const ALERTS_PER_TRANSACTION = 24;

/**
 * Rule (c): an alert (and its case) for each answer of 1 on a 1–5 criterion that carries a comment,
 * over the answers stored since the last run. It reads the answer chain past its mark in commit
 * order and moves the mark in the same transaction, so every answer is read once, also across a
 * crash, whichever server stored it. Running after the intake's commits instead of inside each batch
 * lets one run cover many batches: the intake pays for a comparison in memory, not for the writes.
 * The alert never names the comment's text (it reaches webhooks and the audit log); the case links
 * to the answer.
 */
export async function raiseLowCommentAlerts(deps: Pick<Deps, 'db' | 'clock'>): Promise<number> {
  let raised = 0;
  for (;;) {
    const step = await deps.db.write((tx) => raiseFromNextLinks(tx, deps.clock.now()));
    raised += step.raised;
    if (!step.more) return raised;
  }
}

/** One transaction's share of raiseLowCommentAlerts: the alerts raised, and whether links are left past the new mark. */
async function raiseFromNextLinks(tx: Db, at: Date): Promise<{ raised: number; more: boolean }> {
  const mark = await tx.selectFrom('alert_marks').select('chain_seq').where('rule', '=', 'low_comment').executeTakeFirstOrThrow();
  const headSeq = (await chainHead(tx)).seq;
  if (headSeq <= mark.chain_seq) return { raised: 0, more: false };
  let upTo = Math.min(headSeq, mark.chain_seq + LINKS_PER_TRANSACTION);
  const rows = await tx
    .selectFrom('responses')
    .select(['id', 'unit_id', 'instrument_id', 'answers', 'comment', 'chain_seq'])
    .where('chain_seq', '>', mark.chain_seq)
    .where('chain_seq', '<=', upTo)
    .where('comment', 'is not', null)
    .where('suspect', '=', 0)
    .orderBy('chain_seq')
    .execute();
  const binaryItems = new Map<string, ReadonlySet<string>>();
  for (const id of new Set(rows.map((r) => r.instrument_id))) {
    const instrument = await getInstrument(tx, id);
    binaryItems.set(id, instrument ? binaryItemsOf(instrument.definition) : new Set());
  }
  const hits = rows
    .map((r) => ({ ...r, criteria: lowCommentedCriteria({ comment: r.comment, answers: JSON.parse(r.answers) as Record<string, number | null>, binaryItems: binaryItems.get(r.instrument_id)! }) }))
    .filter((r) => r.criteria.length > 0);
  if (hits.length > ALERTS_PER_TRANSACTION) {
    upTo = hits[ALERTS_PER_TRANSACTION - 1]!.chain_seq!;
    const later = hits.findIndex((h) => h.chain_seq! > upTo);
    if (later >= 0) hits.splice(later);
  }
  let raised = 0;
  if (hits.length > 0) {
    const rules = await rulesForUnits(tx, hits.map((h) => h.unit_id));
    const candidates: AlertCandidate[] = hits
      .filter((answer) => rules.get(answer.unit_id)?.lowComment.enabled)
      .map(({ id, unit_id, criteria }) => ({
        unitId: unit_id,
        rule: 'low_comment',
        dedupKey: `low_comment:${id}`,
        title: `Ý kiến chấm 1 điểm kèm góp ý (${criteria.join(', ')})`,
        detail: { criterion: criteria[0], count: criteria.length, responseIds: [id] },
        responseIds: [id],
      }));
    raised = (await raiseAlerts(tx, candidates, (unitId) => rules.get(unitId)!, at)).length;
  }
  await tx.updateTable('alert_marks').set({ chain_seq: upTo }).where('rule', '=', 'low_comment').execute();
  return { raised, more: upTo < headSeq };
}

/**
 * Answers the intake stored are news to rule (c) from now on: the demo seed's history, like the
 * answers stored before the rule followed the intake, is not raised.
 */
export async function markStoredAnswersRead(tx: Db): Promise<void> {
  await tx.updateTable('alert_marks').set({ chain_seq: (await chainHead(tx)).seq }).where('rule', '=', 'low_comment').execute();
}

/**
 * Rule (c) a moment after the intake's commits. At a peak it rides along with a later batch's
 * transaction (one share a delay, in a savepoint), so it makes no commit of its own on the one
 * writer; when no batch comes, a timer runs it in its own transactions.
 */
export interface LowCommentFollower {
  /** A committed batch held an answer that may meet the rule. */
  poke(): void;
  /** In an intake batch's transaction: one share of the rule when a poke is a delay old. */
  rideAlong(tx: Db): Promise<void>;
  /** Runs now (after a run in flight), as a pending poke would have. */
  flush(): Promise<number>;
  /** Runs what is pending, then no more. */
  stop(): Promise<void>;
}

/** How long after a poke the rule runs: at intake peaks one share then covers a few hundred answers. */
export const LOW_COMMENT_DELAY_MS = 1_000;

/** Starts following the intake, with a first run a moment after start for answers committed before a crash or restart. */
export function followLowComments(deps: Pick<Deps, 'db' | 'clock' | 'logger'>, timers: Timers = realTimers): LowCommentFollower {
  /** When pending work may ride along (performance.now()), null when none is pending. */
  let dueAt: number | null = null;
  let fallback: unknown = null;
  let stopped = false;
  let last: Promise<number> = Promise.resolve(0);
  const failed = (err: unknown) => deps.logger.error('low_comment_alerts_failed', { message: (err as Error).message });
  const settle = () => {
    if (fallback !== null) timers.clear(fallback);
    fallback = null;
    dueAt = null;
  };
  const run = (): Promise<number> => {
    settle();
    last = last.then(() =>
      raiseLowCommentAlerts(deps).catch((err: unknown) => {
        failed(err);
        return 0;
      }),
    );
    return last;
  };
  const poke = () => {
    if (stopped || dueAt !== null) return;
    dueAt = performance.now() + LOW_COMMENT_DELAY_MS;
    fallback = timers.set(() => void run(), 2 * LOW_COMMENT_DELAY_MS);
  };
  poke();
  return {
    poke,
    rideAlong: async (tx) => {
      if (dueAt === null || performance.now() < dueAt) return;
      // A failure here must not cost the batch its answers: it is undone alone, and the timer retries.
      await sql`savepoint low_comment_alerts`.execute(tx);
      try {
        const { more } = await raiseFromNextLinks(tx, deps.clock.now());
        await sql`release savepoint low_comment_alerts`.execute(tx);
        if (more) dueAt = performance.now();
        else settle();
      } catch (err) {
        await sql`rollback to savepoint low_comment_alerts`.execute(tx);
        await sql`release savepoint low_comment_alerts`.execute(tx);
        failed(err);
      }
    },
    flush: run,
    stop: async () => {
      if (dueAt !== null) await run();
      stopped = true;
      await last;
    },
  };
}
