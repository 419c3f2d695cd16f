import type { Db } from '../db/types.js';
import { answerDigest, batchHash, CHAINED_COLUMNS, GENESIS_HASH, headHash, rowDigestText } from '../db/answer-chain.js';

/**
 * Walks the answer chain from its first link and reports the first break: a link missing or out of
 * order, an answer whose content no longer matches its digest (edited), a link holding fewer answers
 * than it recorded (deleted) or more, a link whose hashes do not follow, an answer outside every
 * link. Links dropped from the end leave no trace in the database itself: with `expectHead` (the
 * head an export manifest names) it also checks that the chain still reaches that link unchanged.
 */

export interface ChainBreak {
  /** The link where it breaks; null for an answer outside the chain. */
  seq: number | null;
  /** The answer at fault, when one can be named. */
  answerId: string | null;
  reason: string;
}

export interface ChainReport {
  ok: boolean;
  links: number;
  answers: number;
  head: { seq: number; hash: string };
  break: ChainBreak | null;
}

const LINKS_PER_PAGE = 500;
/** Answers held in memory at once (a seed chunk, 50,000, is read alone). */
const ANSWERS_PER_READ = 20_000;

type ChainedRow = Awaited<ReturnType<typeof readAnswers>>[number];

function readAnswers(db: Db, from: number, to: number) {
  return db
    .selectFrom('responses')
    .select([...CHAINED_COLUMNS, 'chain_seq', 'chain_digest'])
    .where('chain_seq', '>=', from)
    .where('chain_seq', '<=', to)
    .execute();
}

/** The answers of the first links of `links` (as many as fit ANSWERS_PER_READ, at least one), by link; and the last link read. */
async function loadAnswers(db: Db, links: readonly { seq: number; answers: number }[]): Promise<[Map<number, ChainedRow[]>, number]> {
  let count = 0;
  let last = links[0]!.seq;
  for (const link of links) {
    if (count > 0 && count + link.answers > ANSWERS_PER_READ) break;
    count += link.answers;
    last = link.seq;
  }
  const bySeq = new Map<number, ChainedRow[]>();
  for (const row of await readAnswers(db, links[0]!.seq, last)) {
    const list = bySeq.get(row.chain_seq!);
    if (list) list.push(row);
    else bySeq.set(row.chain_seq!, [row]);
  }
  return [bySeq, last];
}

export async function verifyAnswerChain(
  db: Db,
  options: { expectHead?: { seq: number; hash: string }; onProgress?: (links: number) => void } = {},
): Promise<ChainReport> {
  let prev = GENESIS_HASH;
  let expected = 1;
  let answers = 0;
  let expectHeadSeen = options.expectHead === undefined || options.expectHead.seq === 0;
  const fail = (b: ChainBreak): ChainReport => ({ ok: false, links: expected - 1, answers, head: { seq: expected - 1, hash: prev }, break: b });
  for (;;) {
    const links = await db
      .selectFrom('answer_chain')
      .selectAll()
      .where('seq', '>=', expected)
      .orderBy('seq')
      .limit(LINKS_PER_PAGE)
      .execute();
    if (links.length === 0) break;
    let bySeq = new Map<number, ChainedRow[]>();
    let loadedTo = 0;
    for (const [i, link] of links.entries()) {
      if (link.seq > loadedTo) [bySeq, loadedTo] = await loadAnswers(db, links.slice(i));
      if (link.seq !== expected) return fail({ seq: expected, answerId: null, reason: `link ${expected} is missing (the next is ${link.seq})` });
      if (link.prev_hash !== prev) return fail({ seq: link.seq, answerId: null, reason: `link ${link.seq} does not follow link ${link.seq - 1}: its previous hash was changed` });
      const stored = bySeq.get(link.seq) ?? [];
      const digests = stored.map((row) => ({ row, digest: answerDigest(row) }));
      const edited = digests.find((d) => rowDigestText(d.digest) !== d.row.chain_digest);
      if (edited) {
        return fail({ seq: link.seq, answerId: edited.row.id, reason: `answer ${edited.row.id} (link ${link.seq}) no longer matches what was stored: it was edited` });
      }
      if (stored.length < link.answers) {
        return fail({ seq: link.seq, answerId: null, reason: `link ${link.seq} holds ${stored.length} answers of the ${link.answers} it recorded: ${link.answers - stored.length} deleted` });
      }
      if (stored.length > link.answers) {
        return fail({ seq: link.seq, answerId: null, reason: `link ${link.seq} holds ${stored.length} answers, more than the ${link.answers} it recorded: answers were added to it` });
      }
      const batch = batchHash(digests.map((d) => ({ id: d.row.id, digest: d.digest })));
      if (batch !== link.batch_hash) {
        return fail({ seq: link.seq, answerId: null, reason: `link ${link.seq}'s answers do not hash to what it recorded: an answer and its digest were edited` });
      }
      const head = headHash(link.seq, prev, link.answers, batch);
      if (head !== link.head_hash) return fail({ seq: link.seq, answerId: null, reason: `link ${link.seq}'s head hash was changed` });
      if (options.expectHead && options.expectHead.seq === link.seq) {
        if (options.expectHead.hash !== head) return fail({ seq: link.seq, answerId: null, reason: `link ${link.seq} is not the one the manifest names: the chain was rewritten up to it` });
        expectHeadSeen = true;
      }
      prev = head;
      answers += stored.length;
      expected++;
    }
    options.onProgress?.(expected - 1);
  }
  const lastSeq = expected - 1;
  const outside = await db
    .selectFrom('responses')
    .select(['id', 'chain_seq'])
    .where((eb) => eb.or([eb('chain_seq', 'is', null), eb('chain_seq', '>', lastSeq)]))
    .limit(1)
    .executeTakeFirst();
  if (outside) return fail({ seq: null, answerId: outside.id, reason: `answer ${outside.id} is in no link of the chain: it was added outside the intake` });
  if (!expectHeadSeen) return fail({ seq: options.expectHead!.seq, answerId: null, reason: `the chain ends before link ${options.expectHead!.seq}, which the manifest names: links were removed` });
  return { ok: true, links: lastSeq, answers, head: { seq: lastSeq, hash: prev }, break: null };
}
