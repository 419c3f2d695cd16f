import path from 'node:path';
import { loadConfig, type Config } from '../server/config.js';
import { BackupError, backupDatabaseFile } from '../server/durability/backup.js';
import { backupFileName } from '../server/durability/scheduler.js';
import { fail, parseArgs } from './cli.js';

/**
 * `npm run db:backup -- [file]`: a consistent, integrity-checked copy of DATA_DIR's database,
 * safe while the server runs and takes submissions. Without a file name it goes to BACKUP_DIR.
 */
export function durabilityConfig(env: Record<string, string | undefined> = process.env): Config {
  // These tools never use the server secret; a placeholder keeps loadConfig from creating one in a
  // DATA_DIR that is about to receive a restored database (whose secret must be the original one).
  return loadConfig({ ...env, SERVER_SECRET: env.SERVER_SECRET || 'unused-by-backup-and-restore-tools-000' });
}

function main(): void {
  const { positional } = parseArgs(process.argv.slice(2));
  let config: Config;
  try {
    config = durabilityConfig();
  } catch (err) {
    fail((err as Error).message);
  }
  if (config.databaseUrl) fail('DATABASE_URL is set: back up PostgreSQL with pg_dump');
  const dest = path.resolve(positional[0] ?? path.join(config.backupDir, backupFileName(new Date())));
  try {
    const result = backupDatabaseFile(config.databaseFile, dest);
    process.stdout.write(
      `Backed up ${config.databaseFile} to ${result.file} (${(result.bytes / 1048576).toFixed(1)} MiB in ${result.ms} ms); integrity_check ok\n` +
        `Keep ${path.join(config.dataDir, 'server-secret')} (or SERVER_SECRET) with your backups: invitation links and anti-abuse hashes need it.\n`,
    );
  } catch (err) {
    if (err instanceof BackupError) fail(err.message);
    throw err;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
