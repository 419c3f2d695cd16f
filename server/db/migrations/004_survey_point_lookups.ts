import type { Kysely } from 'kysely';

/**
 * Indexes for the kiosk burst check (latest response of a survey point, on every kiosk submission)
 * and for finding a unit's survey point and a dossier's earlier invitation when issuing one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('responses_point_submitted')
    .on('responses')
    .columns(['survey_point_id', 'submitted_at'])
    .execute();
  await db.schema.createIndex('survey_points_counter').on('survey_points').column('counter_id').execute();
  await db.schema
    .createIndex('invitations_unit_dossier')
    .on('invitations')
    .columns(['unit_id', 'dossier_hash'])
    .execute();
}
