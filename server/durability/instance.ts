import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

/**
 * A running server leaves `server.pid` in DATA_DIR, so tools that replace the database (restore)
 * can refuse while it runs. The pid alone can be stale (kill -9) and its number reused by any other
 * process, so the lock probe on the database file decides: in WAL mode every open connection holds
 * a shared lock on the file. The pid names the server in the refusal.
 */
export const INSTANCE_FILE = 'server.pid';

export function instanceFile(dataDir: string): string {
  return path.join(dataDir, INSTANCE_FILE);
}

export function writeInstanceFile(dataDir: string, pid = process.pid): void {
  writeFileSync(instanceFile(dataDir), `${pid}\n`);
}

/** Removes the pid file only if it is still ours (another instance may have started since). */
export function removeInstanceFile(dataDir: string, pid = process.pid): void {
  if (readInstancePid(dataDir) === pid) rmSync(instanceFile(dataDir), { force: true });
}

function readInstancePid(dataDir: string): number | null {
  const file = instanceFile(dataDir);
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type LiveInstance = { reason: 'pid'; pid: number } | { reason: 'lock'; pid: null };

/**
 * Whether a server is using this DATA_DIR: another connection holds the database file open (an
 * exclusive lock cannot be taken), named by the live pid in server.pid when there is one. A live
 * pid alone counts only while there is no database file to probe. Null when the file is free.
 */
export function findLiveInstance(dataDir: string, databaseFile: string): LiveInstance | null {
  const pid = readInstancePid(dataDir);
  const livePid = pid !== null && isAlive(pid) ? pid : null;
  if (!existsSync(databaseFile)) return livePid === null ? null : { reason: 'pid', pid: livePid };
  if (!isHeldOpen(databaseFile)) return null;
  return livePid === null ? { reason: 'lock', pid: null } : { reason: 'pid', pid: livePid };
}

function isHeldOpen(databaseFile: string): boolean {
  const probe = new BetterSqlite3(databaseFile, { timeout: 200 });
  try {
    probe.pragma('locking_mode = EXCLUSIVE');
    probe.exec('BEGIN EXCLUSIVE');
    probe.exec('COMMIT');
    return false;
  } catch (err) {
    if ((err as { code?: unknown }).code === 'SQLITE_BUSY') return true;
    throw err;
  } finally {
    probe.close();
  }
}
