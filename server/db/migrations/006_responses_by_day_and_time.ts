import type { Kysely } from 'kysely';

/**
 * The raw export reads each day's responses in (submitted_at, id) pages. With an index on the day
 * alone every page sorted the whole day in a temporary B-tree; with the time and id in the index
 * it is a range scan (1 M-row export 97–101k → 128–163k rows/s). The day-only index is a prefix of the
 * new one, so it goes. Building it on an existing database takes about 1.3 s per million responses.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('responses_day_time').on('responses').columns(['local_day', 'submitted_at', 'id']).execute();
  await db.schema.dropIndex('responses_day').execute();
}
