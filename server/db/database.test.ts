import { spawn } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { tempDir } from '../testing/harness.js';
import { openSqlite, type AppDatabase } from './database.js';
import { migrate } from './migrate.js';

/** Permission bits of a file or directory, in octal as `ls -l` means them. */
const modeOf = (file: string) => (statSync(file).mode & 0o777).toString(8);

let root: string | undefined;
let db: AppDatabase | undefined;
afterEach(async () => {
  await db?.close();
  if (root) rmSync(root, { recursive: true, force: true });
  db = undefined;
  root = undefined;
});

describe('data at rest', () => {
  it('creates DATA_DIR, the database and its -wal and -shm readable by the server account only', async () => {
    // The database holds citizens' comments and password hashes; under the usual umask 022 a plain
    // create would leave them readable by every account on the machine (0644 in a 0755 folder).
    root = tempDir();
    const dataDir = path.join(root, 'srv', 'sipas');
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(modeOf(dataDir)).toBe('700');
    expect(modeOf(path.join(dataDir, 'server-secret'))).toBe('600');
    db = openSqlite(config.databaseFile);
    await migrate(db);
    const files = [config.databaseFile, `${config.databaseFile}-wal`, `${config.databaseFile}-shm`];
    expect(files.map((f) => [path.basename(f), modeOf(f)])).toEqual(files.map((f) => [path.basename(f), '600']));
  });
});

describe('opening a file while another process writes to it', () => {
  it('switches it to WAL once the other is done, instead of answering "database is locked"', async () => {
    // Two admin:create commands started together failed this way on a new file: one held a write
    // lock in rollback mode while the other, already reading, asked to switch to WAL, and SQLite
    // answers that at once with SQLITE_BUSY, without waiting. The child holds the lock for 500 ms.
    root = tempDir();
    const file = path.join(root, 'busy.sqlite');
    const holder = spawn(process.execPath, ['-e', `
      const db = new (require('better-sqlite3'))(${JSON.stringify(file)});
      db.exec('create table t (x)');
      db.exec('begin immediate');
      db.exec('insert into t values (1)');
      console.log('held');
      setTimeout(() => db.exec('commit'), 500);
    `], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve) => holder.stdout.once('data', resolve));
    db = openSqlite(file);
    expect(db.sqlite!.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.sqlite!.prepare('select x from t').pluck().all()).toEqual([1]);
    await new Promise((resolve) => holder.once('exit', resolve));
  });
});
