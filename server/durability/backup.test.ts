import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { openSqlite, type AppDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { createIntake } from '../intake/intake.js';
import { prepareResponse } from '../intake/prepare.js';
import { getInstrument } from '../instruments/store.js';
import { silentLogger } from '../log.js';
import { resolveSurveyCode } from '../surveys/resolve.js';
import { aResponse, aSite, type TestSite } from '../testing/builders.js';
import { tempDir, testConfig } from '../testing/harness.js';
import { BackupError, backupDatabaseFile, backupOpenDatabase, checkDatabaseFile } from './backup.js';
import { findLiveInstance, removeInstanceFile, writeInstanceFile } from './instance.js';
import { restoreDatabase, RestoreError } from './restore.js';
import { backupFileName, listBackups, nextLocalTime, pruneBackups, startBackupSchedule, type Timers } from './scheduler.js';
import { rollupRows } from '../testing/durability.js';

let dir: string;
let db: AppDatabase;
let dbFile: string;
let site: TestSite;
const clock = fixedClock('2026-11-20T03:00:00Z');

beforeEach(async () => {
  dir = tempDir('sipas-backup-');
  dbFile = path.join(dir, 'sipas.sqlite');
  db = openSqlite(dbFile);
  await migrate(db);
  site = await aSite(db, clock);
});
afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Stores n responses through the real intake (rows and rollups in one transaction). */
async function storeResponses(n: number): Promise<string[]> {
  const config = testConfig(dir, { DEVICE_LIMIT_PER_HOUR: '1000' });
  const intake = createIntake({ db, config, clock, logger: silentLogger });
  const target = await resolveSurveyCode(db.kysely, clock, site.surveyCode);
  const instrument = (await getInstrument(db.kysely, target.instrumentId))!;
  const ids = Array.from({ length: n }, () => randomUUID());
  await Promise.all(
    ids.map((id, i) =>
      intake.submit(
        prepareResponse(aResponse(site.surveyCode, { id, answers: { 'QUAY.1': 1 + (i % 5), 'QUAY.ALL': 5 } }), target, instrument.definition, {
          now: clock.now(),
          commentMaxChars: 2000,
          deviceMarks: [`mark-${i}`],
          addressMark: null,
        }),
      ),
    ),
  );
  await intake.close();
  return ids;
}

async function contentsOf(file: string): Promise<{ ids: string[]; rollups: string[] }> {
  const copy = openSqlite(file);
  try {
    const ids = (await copy.kysely.selectFrom('responses').select('id').orderBy('id').execute()).map((r) => r.id);
    return { ids, rollups: await rollupRows(copy.kysely) };
  } finally {
    await copy.close();
  }
}

/** Permission bits of a file or directory, in octal as `ls -l` means them. */
const modeOf = (file: string) => (statSync(file).mode & 0o777).toString(8);

function corrupt(file: string): void {
  // Overwrite the middle pages: the header still reads, the b-trees do not.
  const size = statSync(file).size;
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, Buffer.alloc(Math.min(16384, size / 2), 0x5a), 0, Math.min(16384, size / 2), Math.floor(size / 4 / 4096) * 4096 + 4096);
  } finally {
    closeSync(fd);
  }
}

describe('backups', () => {
  it('copies the open database online and from a separate connection, both integrity-checked and equal to it', async () => {
    await storeResponses(40);
    const live = await contentsOf(dbFile);
    const online = await backupOpenDatabase(db, path.join(dir, 'b', 'online.sqlite'));
    const vacuumed = backupDatabaseFile(dbFile, path.join(dir, 'b', 'vacuum.sqlite'));
    for (const result of [online, vacuumed]) {
      expect(checkDatabaseFile(result.file)).toEqual([]);
      expect(result.bytes).toBeGreaterThan(0);
      expect(await contentsOf(result.file)).toEqual(live);
      // One self-contained file: no -wal to carry along.
      expect(existsSync(`${result.file}-wal`)).toBe(false);
    }
    expect(readdirSync(path.join(dir, 'b')).sort()).toEqual(['online.sqlite', 'vacuum.sqlite']);
  });

  it('writes backups readable by the server account only, in a BACKUP_DIR it creates private', async () => {
    // A backup is the whole database: comments and password hashes. The umask alone would give 0644.
    await storeResponses(5);
    const backupDir = path.join(dir, 'backups', 'daily');
    const online = await backupOpenDatabase(db, path.join(backupDir, 'online.sqlite'));
    const vacuumed = backupDatabaseFile(dbFile, path.join(backupDir, 'vacuum.sqlite'));
    expect([modeOf(path.join(dir, 'backups')), modeOf(backupDir), modeOf(online.file), modeOf(vacuumed.file)]).toEqual(['700', '700', '600', '600']);
  });

  it('never overwrites an existing file', async () => {
    const dest = path.join(dir, 'taken.sqlite');
    writeFileSync(dest, 'precious');
    await expect(backupOpenDatabase(db, dest)).rejects.toBeInstanceOf(BackupError);
    expect(() => backupDatabaseFile(dbFile, dest)).toThrow(BackupError);
  });

  it('checkDatabaseFile reports a damaged file and a file that is not a SIPAS database', async () => {
    await storeResponses(300);
    const copy = backupDatabaseFile(dbFile, path.join(dir, 'copy.sqlite')).file;
    corrupt(copy);
    expect(checkDatabaseFile(copy).length).toBeGreaterThan(0);
    const other = path.join(dir, 'other.sqlite');
    const foreign = new BetterSqlite3(other);
    foreign.exec('create table t(x)');
    foreign.close();
    expect(checkDatabaseFile(other)).toEqual([expect.stringMatching(/not a SIPAS database/)]);
    expect(checkDatabaseFile(path.join(dir, 'nothing.sqlite'))).toEqual([expect.stringMatching(/does not exist/)]);
  });
});

describe('restore', () => {
  it('refuses while a server runs on the directory (pid file or open connection), changing nothing', async () => {
    await storeResponses(10);
    const backup = backupDatabaseFile(dbFile, path.join(dir, 'backup.sqlite')).file;
    await storeResponses(5);
    const before = await contentsOf(dbFile);

    writeInstanceFile(dir);
    expect(findLiveInstance(dir, dbFile)).toEqual({ reason: 'pid', pid: process.pid });
    expect(() => restoreDatabase({ backupFile: backup, dataDir: dir, databaseFile: dbFile, now: clock.now() })).toThrow(/pid \d+\) is running/);
    removeInstanceFile(dir);

    // A stale pid file (dead process) does not count, but another process holding the file open does.
    writeFileSync(path.join(dir, 'server.pid'), '2147483646\n');
    const holder = spawn(
      process.execPath,
      ['-e', `const D=require('better-sqlite3');const d=new D(${JSON.stringify(dbFile)});d.prepare('select 1').get();console.log('open');setInterval(()=>{},1000)`],
      { cwd: path.resolve(import.meta.dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise((resolve) => holder.stdout!.once('data', resolve));
      await db.close();
      expect(findLiveInstance(dir, dbFile)).toEqual({ reason: 'lock', pid: null });
      expect(() => restoreDatabase({ backupFile: backup, dataDir: dir, databaseFile: dbFile, now: clock.now() })).toThrow(/open in another process/);
    } finally {
      holder.kill('SIGKILL');
      await new Promise((resolve) => holder.once('exit', resolve));
    }
    expect(findLiveInstance(dir, dbFile)).toBeNull();
    db = openSqlite(dbFile);
    expect(await contentsOf(dbFile)).toEqual(before);
  });

  it('refuses a damaged backup before touching the database', async () => {
    await storeResponses(300);
    const backup = backupDatabaseFile(dbFile, path.join(dir, 'backup.sqlite')).file;
    corrupt(backup);
    const before = await contentsOf(dbFile);
    await db.close();
    expect(() => restoreDatabase({ backupFile: backup, dataDir: dir, databaseFile: dbFile, now: clock.now() })).toThrow(RestoreError);
    db = openSqlite(dbFile);
    expect(await contentsOf(dbFile)).toEqual(before);
  });

  it('restores atomically: the backup replaces the database, the stale WAL goes, the old file is kept', async () => {
    await storeResponses(10);
    const backup = backupDatabaseFile(dbFile, path.join(dir, 'backup.sqlite')).file;
    const atBackup = await contentsOf(backup);
    await storeResponses(7);
    const newer = await contentsOf(dbFile);
    // Leave the newest writes in a WAL beside the file, as a killed server would.
    db.sqlite!.pragma('wal_autocheckpoint = 0');
    await storeResponses(3);
    const hotWal = readFileSync(`${dbFile}-wal`);
    await db.close();
    writeFileSync(`${dbFile}-wal`, hotWal);

    const result = restoreDatabase({ backupFile: backup, dataDir: dir, databaseFile: dbFile, now: clock.now() });
    expect(result.previousFile).toBe(`${dbFile}.before-restore-20261120T030000Z`);
    expect(existsSync(`${dbFile}-wal`)).toBe(false);
    expect(checkDatabaseFile(dbFile)).toEqual([]);
    db = openSqlite(dbFile);
    expect(await contentsOf(dbFile)).toEqual(atBackup);
    const previous = await contentsOf(result.previousFile!);
    expect(previous.ids.length).toBe(newer.ids.length + 3);
    expect(readdirSync(dir).filter((n) => n.includes('restoring'))).toEqual([]);
  });

  it('restores into an empty directory', async () => {
    await storeResponses(4);
    const backup = backupDatabaseFile(dbFile, path.join(dir, 'backup.sqlite')).file;
    const fresh = path.join(dir, 'fresh');
    const target = path.join(fresh, 'sipas.sqlite');
    expect(restoreDatabase({ backupFile: backup, dataDir: fresh, databaseFile: target, now: clock.now() }).previousFile).toBeNull();
    expect(await contentsOf(target)).toEqual(await contentsOf(backup));
  });

  it('makes the restored database and a DATA_DIR it creates private, whatever the backup file allowed', async () => {
    await storeResponses(4);
    const backup = backupDatabaseFile(dbFile, path.join(dir, 'backup.sqlite')).file;
    // A backup copied over by hand, world-readable.
    chmodSync(backup, 0o644);
    const fresh = path.join(dir, 'fresh');
    const target = path.join(fresh, 'sipas.sqlite');
    restoreDatabase({ backupFile: backup, dataDir: fresh, databaseFile: target, now: clock.now() });
    expect([modeOf(fresh), modeOf(target)]).toEqual(['700', '600']);
  });
});

describe('daily backup schedule', () => {
  /** Timers the test fires by hand, after moving the clock to the due time. */
  function manualTimers() {
    const pending: { fn: () => void; ms: number }[] = [];
    const timers: Timers = {
      set: (fn, ms) => {
        const entry = { fn, ms };
        pending.push(entry);
        return entry;
      },
      clear: (handle) => {
        const i = pending.indexOf(handle as (typeof pending)[number]);
        if (i >= 0) pending.splice(i, 1);
      },
    };
    return { timers, pending };
  }

  it('runs at 02:00 Vietnam time every day and keeps the newest BACKUP_KEEP files', async () => {
    await storeResponses(5);
    const backupDir = path.join(dir, 'backups');
    const clock = fixedClock('2026-11-20T03:00:00Z'); // 10:00 in Vietnam
    const { timers, pending } = manualTimers();
    const schedule = startBackupSchedule({ db, backupDir, keep: 3, clock, logger: silentLogger, timers });
    expect(schedule.nextAt?.toISOString()).toBe('2026-11-20T19:00:00.000Z'); // 02:00 on the 21st
    expect(pending).toHaveLength(1);
    expect(pending[0]!.ms).toBe(16 * 3600_000);

    for (let day = 0; day < 5; day++) {
      const timer = pending.shift()!;
      clock.advance(timer.ms);
      timer.fn();
      await schedule.idle();
      expect(pending).toHaveLength(1);
      expect(pending[0]!.ms).toBe(24 * 3600_000);
    }
    expect(listBackups(backupDir)).toEqual(['sipas-20261122-190000Z.sqlite', 'sipas-20261123-190000Z.sqlite', 'sipas-20261124-190000Z.sqlite']);
    for (const name of listBackups(backupDir)) expect(checkDatabaseFile(path.join(backupDir, name))).toEqual([]);

    await schedule.stop();
    expect(pending).toHaveLength(0);
    expect(schedule.nextAt).toBeNull();
  });

  it('a failed backup is logged and the schedule goes on, counted from the due time', async () => {
    const backupDir = path.join(dir, 'backups');
    const clock = fixedClock('2026-11-20T18:59:59.990Z');
    const { timers, pending } = manualTimers();
    const errors: string[] = [];
    const logger = { ...silentLogger, error: (event: string) => errors.push(event) };
    const schedule = startBackupSchedule({ db, backupDir, keep: 3, clock, logger, timers });
    // The timer fires 10 ms early, and the file for that moment is already taken: this backup fails.
    mkdirSync(backupDir, { recursive: true });
    writeFileSync(path.join(backupDir, backupFileName(clock.now())), 'x');
    pending.shift()!.fn();
    await schedule.idle();
    expect(errors).toEqual(['backup_failed']);
    expect(pending.map((p) => p.ms)).toEqual([24 * 3600_000 + 10]);
    await schedule.stop();
  });

  it('finds the next 02:00 in Vietnam and prunes only finished backups', () => {
    expect(nextLocalTime(new Date('2026-11-20T18:59:59Z'), 2).toISOString()).toBe('2026-11-20T19:00:00.000Z');
    expect(nextLocalTime(new Date('2026-11-20T19:00:00Z'), 2).toISOString()).toBe('2026-11-21T19:00:00.000Z');
    const backupDir = path.join(dir, 'prune');
    mkdirSync(backupDir);
    const names = ['sipas-20261101-190000Z.sqlite', 'sipas-20261102-190000Z.sqlite', 'sipas-20261103-190000Z.sqlite'];
    for (const name of [...names, 'notes.txt', '.sipas-20261104-190000Z.sqlite.1.partial']) writeFileSync(path.join(backupDir, name), '');
    expect(pruneBackups(backupDir, 2)).toEqual([names[0]]);
    expect(readdirSync(backupDir).sort()).toEqual(['.sipas-20261104-190000Z.sqlite.1.partial', 'notes.txt', names[1], names[2]]);
  });
});
