import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findApiKey } from '../server/apikeys/keys.js';
import { createApp } from '../server/app.js';
import { systemClock } from '../server/clock.js';
import { openSqlite, type AppDatabase } from '../server/db/database.js';
import { migrate } from '../server/db/migrate.js';
import { silentLogger } from '../server/log.js';
import { tempDir, TEST_SCRYPT_LOG_N, testConfig } from '../server/testing/harness.js';
import { aUnit } from '../server/testing/units.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
const tsx = path.join(root, 'node_modules/.bin/tsx');

let dir: string;
beforeEach(() => {
  dir = tempDir('sipas-cli-');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, args: string[]) {
  // The tests' scrypt cost: a hash at the production cost takes seconds on a busy machine.
  const env = { ...process.env, DATA_DIR: dir, LOG_REQUESTS: 'false', PASSWORD_SCRYPT_LOG_N: String(TEST_SCRYPT_LOG_N) };
  return run(tsx, [path.join(root, 'scripts', name), ...args], { cwd: root, env });
}

async function withDb<T>(fn: (db: AppDatabase) => Promise<T>): Promise<T> {
  const db = openSqlite(testConfig(dir).databaseFile);
  await migrate(db);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

describe('npm run admin:create', () => {
  it('makes a system administrator with a generated password printed once, which signs in to a forced password change; refuses a taken name', async () => {
    // The processes start together: each is a tsx start-up, whose time grows with the machine's load.
    const [{ stdout }] = await Promise.all([
      script('admin-create.ts', ['--username', 'Quan.Tri']),
      script('admin-create.ts', ['--username', 'tu.chon', '--password', 'chosen-password']),
    ]);
    const password = /Password[^:]*: (\S+)/.exec(stdout)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
    await withDb(async (db) => {
      const config = testConfig(dir);
      const app = createApp({ db, config, clock: systemClock, logger: silentLogger, ui: {} });
      const res = await app.request('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'quan.tri', password }),
      });
      expect(res.status).toBe(200);
      // A generated password is not its owner's: nothing but a password change until it is changed.
      expect(await res.json()).toMatchObject({ pending: 'password_change', permissions: [] });
      const row = await db.kysely.selectFrom('users').select('password_hash').where('username', '=', 'quan.tri').executeTakeFirstOrThrow();
      expect(row.password_hash).not.toContain(password!);
      // A password given on the command line was chosen by the administrator: no forced change.
      const chosen = await db.kysely.selectFrom('users').select('must_change_password').where('username', '=', 'tu.chon').executeTakeFirstOrThrow();
      expect(chosen.must_change_password).toBe(0);
      const audit = await db.kysely.selectFrom('audit_log').selectAll().execute();
      expect(audit.map((a) => [a.action, a.actor_label])).toEqual([
        ['user.create', 'cli'],
        ['user.create', 'cli'],
      ]);
    });
    await Promise.all([
      expect(script('admin-create.ts', ['--username', 'quan.tri', '--password', 'another-password'])).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/taken/),
      }),
      expect(script('admin-create.ts', ['--username', 'x', '--password', 'short'])).rejects.toMatchObject({ code: 1 }),
    ]);
    // Two rounds of tsx start-ups (10-40 s each with the machine busy), not scrypt: that runs at the tests' cost.
  }, 120_000);
});

describe('npm run apikey:create', () => {
  it('prints a working key for the unit with that code once, stored only as a hash', async () => {
    await withDb(async (db) => {
      const province = await aUnit(db, systemClock, { kind: 'province', code: '96' });
      await aUnit(db, systemClock, { kind: 'centre', code: '96-TTPVHCC', parent: province });
    });
    const { stdout } = await script('apikey-create.ts', ['--unit', '96-TTPVHCC', '--name', 'iGate']);
    const key = stdout.trim().split('\n').at(-1)!;
    expect(key).toMatch(/^sipas_/);
    await withDb(async (db) => {
      const deps = { db, config: testConfig(dir), clock: systemClock, logger: silentLogger };
      expect((await findApiKey(deps, key))?.name).toBe('iGate');
      const rows = JSON.stringify(await db.kysely.selectFrom('api_keys').selectAll().execute());
      expect(rows).not.toContain(key);
    });
    await expect(script('apikey-create.ts', ['--unit', 'NOPE'])).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/No active unit/) });
  }, 60_000);
});
