import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { AppDatabase } from '../db/database.js';
import { makePrivateDir, touchPrivateFile } from '../private-files.js';

export class BackupError extends Error {}

export interface BackupResult {
  file: string;
  bytes: number;
  ms: number;
}

/** Tables a SIPAS database has from migration 001 on: a file without them is not one of ours. */
const REQUIRED_TABLES = ['schema_migrations', 'responses', 'units', 'survey_points'];

export type IntegrityLevel = 'integrity_check' | 'quick_check';

/**
 * Opens a database file read-only and checks it: SQLite's integrity (or quick) check says `ok` and
 * the platform's tables are there. Returns the problems found (empty when the file is sound).
 */
export function checkDatabaseFile(file: string, level: IntegrityLevel = 'integrity_check'): string[] {
  if (!existsSync(file)) return [`${file} does not exist`];
  let db: BetterSqlite3.Database;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    return [`cannot open ${file}: ${(err as Error).message}`];
  }
  try {
    const rows = db.pragma(level) as Record<string, string>[];
    const problems = rows.map((r) => Object.values(r)[0]!).filter((v) => v !== 'ok');
    if (problems.length > 0) return problems.slice(0, 20);
    const tables = new Set(
      (db.prepare(`select name from sqlite_master where type = 'table'`).all() as { name: string }[]).map((r) => r.name),
    );
    const missing = REQUIRED_TABLES.filter((t) => !tables.has(t));
    return missing.length > 0 ? [`not a SIPAS database: missing tables ${missing.join(', ')}`] : [];
  } catch (err) {
    return [`${level} failed: ${(err as Error).message}`];
  } finally {
    db.close();
  }
}

/** fsync a file, then its directory, so a finished backup or restore survives a power cut. */
export function fsyncFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function partialName(dest: string): string {
  return path.join(path.dirname(dest), `.${path.basename(dest)}.${process.pid}.partial`);
}

/** Checks a freshly written copy, makes it durable and renames it into place (all or nothing). */
function publish(partial: string, dest: string, level: IntegrityLevel): number {
  // A backup is one self-contained file: rollback-journal mode, so opening it never needs a -wal.
  const copy = new BetterSqlite3(partial, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  for (const sidecar of ['-wal', '-shm', '-journal']) rmSync(`${partial}${sidecar}`, { force: true });
  const problems = checkDatabaseFile(partial, level);
  if (problems.length > 0) throw new BackupError(`the backup copy failed its ${level}: ${problems.join('; ')}`);
  fsyncFile(partial);
  renameSync(partial, dest);
  fsyncDir(path.dirname(dest));
  return statSync(dest).size;
}

function prepareDestination(dest: string): void {
  if (existsSync(dest)) throw new BackupError(`${dest} already exists; choose a new file name`);
  makePrivateDir(path.dirname(dest));
}

const BUSY = /^SQLITE_(BUSY|LOCKED)/;

/**
 * Backs up the server's own open database with SQLite's online backup API, a few pages per event
 * loop turn so submissions keep flowing. Writes made through the same connection meanwhile are
 * copied into the backup as they happen, so the result is the database as of the moment it ends.
 * A step that meets the connection mid-transaction is retried from scratch.
 */
export async function backupOpenDatabase(db: AppDatabase, dest: string, options: { attempts?: number } = {}): Promise<BackupResult> {
  const sqlite = db.sqlite;
  if (!sqlite) throw new BackupError('online backup needs the SQLite database');
  const started = performance.now();
  prepareDestination(dest);
  const partial = partialName(dest);
  const attempts = options.attempts ?? 3;
  try {
    for (let attempt = 1; ; attempt++) {
      rmSync(partial, { force: true });
      // Created private before SQLite writes the whole database into it.
      touchPrivateFile(partial);
      try {
        await sqlite.backup(partial);
        break;
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (attempt >= attempts || typeof code !== 'string' || !BUSY.test(code)) throw err;
      }
    }
    // quick_check (no index cross-check) holds the server's event loop for less time; restores run
    // the full integrity_check.
    const bytes = publish(partial, dest, 'quick_check');
    return { file: dest, bytes, ms: Math.round(performance.now() - started) };
  } finally {
    rmSync(partial, { force: true });
  }
}

/**
 * Backs up a database file that a running server may be writing to, from a separate connection:
 * VACUUM INTO reads one consistent snapshot (WAL readers never block the writer) and writes a
 * compact copy, which is fully integrity-checked before it is renamed into place.
 */
export function backupDatabaseFile(source: string, dest: string): BackupResult {
  if (!existsSync(source)) throw new BackupError(`no database at ${source}`);
  const started = performance.now();
  prepareDestination(dest);
  const partial = partialName(dest);
  try {
    rmSync(partial, { force: true });
    // Created private before SQLite writes the whole database into it (VACUUM INTO takes an empty file).
    touchPrivateFile(partial);
    const db = new BetterSqlite3(source, { fileMustExist: true, timeout: 10_000 });
    try {
      db.prepare('VACUUM INTO ?').run(partial);
    } finally {
      db.close();
    }
    const bytes = publish(partial, dest, 'integrity_check');
    return { file: dest, bytes, ms: Math.round(performance.now() - started) };
  } finally {
    rmSync(partial, { force: true });
  }
}
