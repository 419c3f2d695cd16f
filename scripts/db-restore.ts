import path from 'node:path';
import type { Config } from '../server/config.js';
import { restoreDatabase, RestoreError } from '../server/durability/restore.js';
import { fail, parseArgs } from './cli.js';
import { durabilityConfig } from './db-backup.js';

/**
 * `npm run db:restore -- <file>`: replaces DATA_DIR's database with a backup. Refuses while a server
 * runs on DATA_DIR or when the backup fails `PRAGMA integrity_check`; keeps the replaced file.
 */
function main(): void {
  const { positional } = parseArgs(process.argv.slice(2));
  const file = positional[0];
  if (!file) fail('Usage: npm run db:restore -- <backup file>');
  let config: Config;
  try {
    config = durabilityConfig();
  } catch (err) {
    fail((err as Error).message);
  }
  if (config.databaseUrl) fail('DATABASE_URL is set: restore PostgreSQL with pg_restore');
  try {
    const result = restoreDatabase({ backupFile: path.resolve(file), dataDir: config.dataDir, databaseFile: config.databaseFile, now: new Date() });
    process.stdout.write(
      `Restored ${path.resolve(file)} to ${result.databaseFile} (integrity_check ok)\n` +
        (result.previousFile ? `The replaced database is kept as ${result.previousFile}\n` : '') +
        `If this is a new machine, put back the original ${path.join(config.dataDir, 'server-secret')} (or SERVER_SECRET) before starting.\n`,
    );
  } catch (err) {
    if (err instanceof RestoreError) fail(err.message);
    throw err;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
