import { hash } from 'node:crypto';
import { PostgresAdapter, sql } from 'kysely';
import type { Db, NewResponse, ResponseRow } from './types.js';

/**
 * Stored answers chained by hash in commit order. Every write transaction that stores answers (an
 * intake batch, a paper-form chunk, a seed chunk) is one link: its answers' digests, sorted by id,
 * hash to the batch hash, and the link's head hashes the previous head with it. Editing or deleting
 * an answer, or a link, breaks the chain from there on (verify.ts finds the first break). Only what
 * a citizen gave and where it was filed is covered: a review decision (suspect, review) may change.
 */

/** The columns an answer's digest covers, in this order. */
export const CHAINED_COLUMNS = [
  'id',
  'survey_point_id',
  'invitation_id',
  'instrument_id',
  'unit_id',
  'counter_id',
  'staff_id',
  'procedure_id',
  'channel',
  'submitted_at',
  'local_day',
  'local_hour',
  'weekday',
  'answers',
  'comment',
  'demographics',
  'lang',
  'created_at',
] as const satisfies readonly (keyof NewResponse & keyof ResponseRow)[];

export type ChainedAnswer = Pick<NewResponse, (typeof CHAINED_COLUMNS)[number]>;

export const CHAIN_FORMAT = 1;
export const GENESIS_HASH = '0'.repeat(64);
/** Hex characters of an answer's digest kept on its row: enough to name the one that changed. */
export const ROW_DIGEST_CHARS = 16;

/** An answer's digest, hex: SHA-256 over the JSON array of its chained columns. */
export function answerDigest(row: ChainedAnswer): string {
  return hash('sha256', JSON.stringify(CHAINED_COLUMNS.map((c) => row[c] ?? null)), 'hex');
}

export const rowDigestText = (digest: string) => digest.slice(0, ROW_DIGEST_CHARS);

/** The batch hash of a link's answers: SHA-256 over their digests in id order. */
export function batchHash(answers: readonly { id: string; digest: string }[]): string {
  const sorted = [...answers].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  return hash('sha256', sorted.map((a) => a.digest).join(''), 'hex');
}

export function headHash(seq: number, prevHash: string, answers: number, batch: string): string {
  return hash('sha256', `sipas-answer-chain/${CHAIN_FORMAT}\n${seq}\n${prevHash}\n${answers}\n${batch}`, 'hex');
}

export interface ChainLink {
  seq: number;
  prevHash: string;
}

/** Any fixed number shared by every process of the platform ("SIPAC" in ASCII). */
const CHAIN_LOCK_KEY = 0x5349504143;

/**
 * The next link after the newest. On SQLite the write transaction already holds the database's one
 * write lock. On PostgreSQL a transaction-scoped advisory lock is taken first and held to commit, so
 * links of servers sharing one database follow their commit order and never take the same number.
 */
async function nextLink(tx: Db): Promise<ChainLink> {
  if (tx.getExecutor().adapter instanceof PostgresAdapter) await sql`select pg_advisory_xact_lock(${CHAIN_LOCK_KEY})`.execute(tx);
  const head = await chainHead(tx);
  return { seq: head.seq + 1, prevHash: head.hash };
}

async function sealLink(tx: Db, link: ChainLink, answers: readonly { id: string; digest: string; createdAt: string }[]): Promise<void> {
  const batch = batchHash(answers);
  await tx
    .insertInto('answer_chain')
    .values({
      seq: link.seq,
      format: CHAIN_FORMAT,
      prev_hash: link.prevHash,
      batch_hash: batch,
      head_hash: headHash(link.seq, link.prevHash, answers.length, batch),
      answers: answers.length,
      last_answer_at: answers.reduce((latest, a) => (a.createdAt > latest ? a.createdAt : latest), ''),
    })
    .execute();
}

/**
 * A row made with its chain columns in place (null until stamped): stamping then sets them rather than
 * copying the row, which with twenty-odd columns cost more than the hashing (V8 copies or reshapes it).
 */
export type ChainableAnswer = NewResponse & { chain_seq: number | null; chain_digest: string | null };

/**
 * Inserts answers as one link of the chain, inside the caller's transaction: stamps each row with the
 * link's number and its digest, lets `insert` store them (it returns the ids it stored: a concurrent
 * server may have stored some first), and seals the link over exactly those. Cost: a SHA-256 per
 * answer, one read and one insert per link.
 */
export async function insertChained<R extends ChainableAnswer>(tx: Db, rows: R[], insert: (stamped: R[]) => Promise<ReadonlySet<string>>): Promise<ReadonlySet<string>> {
  const link = await nextLink(tx);
  const digests = new Map<string, string>();
  for (const row of rows) {
    const digest = answerDigest(row);
    digests.set(row.id, digest);
    row.chain_seq = link.seq;
    row.chain_digest = rowDigestText(digest);
  }
  const stored = await insert(rows);
  await sealLink(
    tx,
    link,
    rows.filter((r) => stored.has(r.id)).map((r) => ({ id: r.id, digest: digests.get(r.id)!, createdAt: r.created_at })),
  );
  return stored;
}

/** The newest link, which an export manifest names so later edits can be told from earlier ones. */
export async function chainHead(db: Db): Promise<{ seq: number; hash: string }> {
  const head = await db.selectFrom('answer_chain').select(['seq', 'head_hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return head ? { seq: head.seq, hash: head.head_hash } : { seq: 0, hash: GENESIS_HASH };
}

/**
 * Chains answers stored before the chain existed (migration 010), a link per `chunk` in id order:
 * from then on, editing one of those is detected like any other.
 */
export async function chainUnchained(tx: Db, chunk = 2000): Promise<number> {
  let after = '';
  let chained = 0;
  for (;;) {
    const rows = await tx
      .selectFrom('responses')
      .select([...CHAINED_COLUMNS])
      .where('chain_seq', 'is', null)
      .where('id', '>', after)
      .orderBy('id')
      .limit(chunk)
      .execute();
    if (rows.length === 0) return chained;
    const link = await nextLink(tx);
    const answers = rows.map((row) => ({ id: row.id, digest: answerDigest(row), createdAt: row.created_at }));
    for (const a of answers) {
      await tx.updateTable('responses').set({ chain_seq: link.seq, chain_digest: rowDigestText(a.digest) }).where('id', '=', a.id).execute();
    }
    await sealLink(tx, link, answers);
    chained += rows.length;
    after = rows.at(-1)!.id;
  }
}
