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
