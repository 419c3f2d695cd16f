import { existsSync, linkSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { copyToPrivateFile, makePrivateDir } from '../private-files.js';
import { checkDatabaseFile, fsyncDir, fsyncFile } from './backup.js';
import { findLiveInstance } from './instance.js';

export class RestoreError extends Error {}

export interface RestoreResult {
  databaseFile: string;
  /** The database that was replaced, kept beside it under a new name (null if there was none). */
  previousFile: string | null;
}

const SIDECARS = ['-wal', '-shm', '-journal'] as const;

function stamp(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/**
 * Folds the old database's WAL into it and closes it, so the file kept as "previous" is whole and
 * no -wal is left to be replayed onto the restored file. A damaged old file is left as it is.
 */
function settleOldDatabase(databaseFile: string): void {
  try {
    const db = new BetterSqlite3(databaseFile, { timeout: 200 });
    try {
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
  } catch {
    // Unreadable: it is being replaced, and it stays beside the restored file for inspection.
  }
}

/**
 * Replaces DATA_DIR's database with a backup: refuses while a server uses the directory, checks
 * the backup (`PRAGMA integrity_check`) before touching anything, copies it to a temporary file
 * that is checked again and fsynced, removes the old -wal/-shm, then renames the copy into place.
 * The replaced database is kept (hard link) as `<name>.before-restore-<time>`.
 */
export function restoreDatabase(options: { backupFile: string; dataDir: string; databaseFile: string; now: Date }): RestoreResult {
  const { backupFile, dataDir, databaseFile } = options;
  if (!existsSync(backupFile)) throw new RestoreError(`no backup at ${backupFile}`);
  if (path.resolve(backupFile) === path.resolve(databaseFile)) {
    throw new RestoreError('the backup is the live database file itself');
  }
  if (existsSync(`${backupFile}-wal`)) {
    throw new RestoreError(`${backupFile} has a -wal file beside it: it is a live database, not a backup (use npm run db:backup)`);
  }
  const problems = checkDatabaseFile(backupFile);
  if (problems.length > 0) throw new RestoreError(`the backup failed its integrity check, nothing was changed: ${problems.join('; ')}`);
  makePrivateDir(dataDir);
  const live = findLiveInstance(dataDir, databaseFile);
  if (live) {
    throw new RestoreError(
      live.reason === 'pid'
        ? `a server (pid ${live.pid}) is running on ${dataDir}; stop it first`
        : `${databaseFile} is open in another process; stop the server first`,
    );
  }

  const temp = path.join(path.dirname(databaseFile), `.${path.basename(databaseFile)}.restoring`);
  for (const file of [temp, ...SIDECARS.map((s) => `${temp}${s}`)]) rmSync(file, { force: true });
  try {
    copyToPrivateFile(backupFile, temp);
    const copyProblems = checkDatabaseFile(temp);
    if (copyProblems.length > 0) throw new RestoreError(`the copied backup failed its integrity check: ${copyProblems.join('; ')}`);
    fsyncFile(temp);

    let previousFile: string | null = null;
    if (existsSync(databaseFile)) {
      settleOldDatabase(databaseFile);
      previousFile = `${databaseFile}.before-restore-${stamp(options.now)}`;
      linkSync(databaseFile, previousFile);
    }
    // Stale -wal/-shm must go before the rename: SQLite would replay an old WAL onto the new file.
    // A WAL the checkpoint could not fold in goes with the kept previous file instead.
    for (const sidecar of SIDECARS) {
      const stale = `${databaseFile}${sidecar}`;
      if (previousFile && sidecar !== '-shm' && existsSync(stale)) renameSync(stale, `${previousFile}${sidecar}`);
      else rmSync(stale, { force: true });
    }
    renameSync(temp, databaseFile);
    fsyncDir(path.dirname(databaseFile));
    return { databaseFile, previousFile };
  } finally {
    for (const file of [temp, ...SIDECARS.map((s) => `${temp}${s}`)]) rmSync(file, { force: true });
  }
}
