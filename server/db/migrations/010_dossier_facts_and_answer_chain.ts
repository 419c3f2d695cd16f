import type { Kysely } from 'kysely';
import type { Db } from '../types.js';
import { chainUnchained } from '../answer-chain.js';
import { vnLocalParts } from '../../time.js';

/**
 * Issue 19. Dossier facts on invitations (TT 01/2018 indicators), found by dossier and placed in a
 * reporting period by dossier_day; unit-level indicator scores; the hash chain of stored answers
 * (answers already stored are chained here, a link per 2,000 in id order: about 1 s per 100,000 on
 * SQLite); and the signed manifests of exports.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const tx = db as unknown as Db;
  await db.schema.alterTable('invitations').addColumn('facts', 'text').execute();
  await db.schema.alterTable('invitations').addColumn('dossier_day', 'text').execute();
  const invitations = await tx.selectFrom('invitations').select(['id', 'received_at', 'returned_at', 'issued_day']).execute();
  for (const i of invitations) {
    const at = i.returned_at ?? i.received_at;
    await tx.updateTable('invitations').set({ dossier_day: at ? vnLocalParts(new Date(at)).day : i.issued_day }).where('id', '=', i.id).execute();
  }
  await db.schema.createIndex('invitations_unit_dossier_day').on('invitations').columns(['unit_id', 'dossier_day']).execute();
  await db.schema.createIndex('invitations_dossier').on('invitations').column('dossier_hash').execute();

  await db.schema
    .createTable('unit_indicator_scores')
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('tenths', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('unit_indicator_scores_pk', ['unit_id', 'period', 'code'])
    .execute();

  await db.schema.alterTable('responses').addColumn('chain_seq', 'integer').execute();
  await db.schema.alterTable('responses').addColumn('chain_digest', 'text').execute();
  // Links grow at the end, so the index is appended to, not written at random.
  await db.schema.createIndex('responses_chain').on('responses').column('chain_seq').execute();
  await db.schema
    .createTable('answer_chain')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('format', 'integer', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('batch_hash', 'text', (c) => c.notNull())
    .addColumn('head_hash', 'text', (c) => c.notNull())
    .addColumn('answers', 'integer', (c) => c.notNull())
    .addColumn('last_answer_at', 'text', (c) => c.notNull())
    .execute();
  await chainUnchained(tx);

  await db.schema
    .createTable('export_manifests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('actor_user_id', 'text')
    .addColumn('unit_id', 'text')
    .addColumn('manifest', 'text')
    .execute();
  await db.schema.createIndex('export_manifests_actor').on('export_manifests').columns(['actor_user_id', 'created_at']).execute();
}
