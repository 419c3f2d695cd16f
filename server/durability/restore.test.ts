import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { openSqlite, type AppDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { aSite } from '../testing/builders.js';
import { tempDir } from '../testing/harness.js';
import { backupDatabaseFile, checkDatabaseFile } from './backup.js';
import { findLiveInstance } from './instance.js';
import { restoreDatabase } from './restore.js';

let dir: string;
let dbFile: string;
let db: AppDatabase | undefined;
const clock = fixedClock('2026-11-20T03:00:00Z');

beforeEach(async () => {
  dir = tempDir('sipas-restore-');
  dbFile = path.join(dir, 'sipas.sqlite');
  db = openSqlite(dbFile);
  await migrate(db);
  await aSite(db, clock);
});
afterEach(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('restores over a stale server.pid whose number now belongs to another process, since nothing holds the database', async () => {
  const backup = backupDatabaseFile(dbFile, path.join(dir, 'backup.sqlite')).file;
  await db!.close();
  db = undefined;
  // A server killed with kill -9 leaves its pid behind; after a reboot or container restart the
  // number is soon another process's. This one lives but never opens the database.
  const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    writeFileSync(path.join(dir, 'server.pid'), `${other.pid}\n`);
    expect(findLiveInstance(dir, dbFile)).toBeNull();
    const result = restoreDatabase({ backupFile: backup, dataDir: dir, databaseFile: dbFile, now: clock.now() });
    expect(result.previousFile).toBe(`${dbFile}.before-restore-20261120T030000Z`);
    expect(checkDatabaseFile(dbFile)).toEqual([]);
  } finally {
    other.kill('SIGKILL');
  }
});

it('still names the live server when its pid is in server.pid and it holds the database', () => {
  writeFileSync(path.join(dir, 'server.pid'), `${process.pid}\n`);
  expect(findLiveInstance(dir, dbFile)).toEqual({ reason: 'pid', pid: process.pid });
});
