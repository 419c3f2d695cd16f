import { createHash } from 'node:crypto';
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

export function answerDigest(row: ChainedAnswer): Buffer {
  return createHash('sha256')
    .update(JSON.stringify(CHAINED_COLUMNS.map((c) => row[c] ?? null)))
    .digest();
}

export const rowDigestText = (digest: Buffer) => digest.toString('hex', 0, ROW_DIGEST_CHARS / 2);

/** The batch hash of a link's answers: SHA-256 over their digests in id order. */
export function batchHash(answers: readonly { id: string; digest: Buffer }[]): string {
  const hash = createHash('sha256');
  for (const a of [...answers].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))) hash.update(a.digest);
  return hash.digest('hex');
}

export function headHash(seq: number, prevHash: string, answers: number, batch: string): string {
  return createHash('sha256').update(`sipas-answer-chain/${CHAIN_FORMAT}\n${seq}\n${prevHash}\n${answers}\n${batch}`).digest('hex');
}

export interface ChainLink {
  seq: number;
  prevHash: string;
}

/**
 * Reserves the next link. The head row's UPDATE holds its lock until commit on PostgreSQL, so links
 * of servers sharing one database follow their commit order; on SQLite the write lock already does.
 */
async function reserveLink(tx: Db): Promise<ChainLink> {
  const head = await tx
    .updateTable('answer_chain_head')
    .set((eb) => ({ seq: eb('seq', '+', 1) }))
    .where('id', '=', 1)
    .returning(['seq', 'head_hash'])
    .executeTakeFirst();
  if (head) return { seq: head.seq, prevHash: head.head_hash };
  const created = await tx
    .insertInto('answer_chain_head')
    .values({ id: 1, seq: 1, head_hash: GENESIS_HASH })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('seq')
    .executeTakeFirst();
  // Another server made the head meanwhile: take the next link after its first.
  return created ? { seq: 1, prevHash: GENESIS_HASH } : reserveLink(tx);
}

async function sealLink(tx: Db, link: ChainLink, answers: readonly { id: string; digest: Buffer; createdAt: string }[]): Promise<void> {
  const batch = batchHash(answers);
  const head = headHash(link.seq, link.prevHash, answers.length, batch);
  await tx
    .insertInto('answer_chain')
    .values({
      seq: link.seq,
      format: CHAIN_FORMAT,
      prev_hash: link.prevHash,
      batch_hash: batch,
      head_hash: head,
      answers: answers.length,
      last_answer_at: answers.reduce((latest, a) => (a.createdAt > latest ? a.createdAt : latest), ''),
    })
    .execute();
  await tx.updateTable('answer_chain_head').set({ head_hash: head }).where('id', '=', 1).execute();
}

/**
 * Inserts answers as one link of the chain, inside the caller's transaction: stamps each row with the
 * link's number and its digest, lets `insert` store them (it returns the ids it stored: a concurrent
 * server may have stored some first), and seals the link over exactly those.
 */
export async function insertChained<R extends NewResponse>(tx: Db, rows: readonly R[], insert: (stamped: R[]) => Promise<ReadonlySet<string>>): Promise<ReadonlySet<string>> {
  const link = await reserveLink(tx);
  const byId = new Map<string, { id: string; digest: Buffer; createdAt: string }>();
  const stamped = rows.map((row) => {
    const digest = answerDigest(row);
    byId.set(row.id, { id: row.id, digest, createdAt: row.created_at });
    return { ...row, chain_seq: link.seq, chain_digest: rowDigestText(digest) };
  });
  const stored = await insert(stamped);
  await sealLink(
    tx,
    link,
    [...stored].map((id) => byId.get(id)!),
  );
  return stored;
}

/** The newest link, which an export manifest names so later edits can be told from earlier ones. */
export async function chainHead(db: Db): Promise<{ seq: number; hash: string }> {
  const head = await db.selectFrom('answer_chain_head').select(['seq', 'head_hash']).where('id', '=', 1).executeTakeFirst();
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
    const link = await reserveLink(tx);
    const answers = rows.map((row) => ({ id: row.id, digest: answerDigest(row), createdAt: row.created_at }));
    for (const a of answers) {
      await tx.updateTable('responses').set({ chain_seq: link.seq, chain_digest: rowDigestText(a.digest) }).where('id', '=', a.id).execute();
    }
    await sealLink(tx, link, answers);
    chained += rows.length;
    after = rows.at(-1)!.id;
  }
}
