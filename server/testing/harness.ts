import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp, type AppOptions } from '../app.js';
import { fixedClock } from '../clock.js';
import { loadConfig, type Config } from '../config.js';
import { openPostgres, openSqlite, type AppDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { createIntake, type Intake } from '../intake/intake.js';
import { silentLogger } from '../log.js';

export interface TestContext {
  app: ReturnType<typeof createApp>;
  db: AppDatabase;
  config: Config;
  clock: ReturnType<typeof fixedClock>;
  /** The app's intake: `intake.followUp()` runs now what follows its commits (alert rule (c)). */
  intake: Intake;
  dir: string;
  cleanup(): Promise<void>;
}

export function tempDir(prefix = 'sipas-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/**
 * scrypt cost for tests: 2^12 (4 MiB, a few ms) instead of production's 2^17 (128 MiB, hundreds of
 * ms that grow with the machine's load). One test checks the production parameters themselves.
 */
export const TEST_SCRYPT_LOG_N = 12;

export function testConfig(dir: string, env: Record<string, string> = {}): Config {
  return loadConfig({ DATA_DIR: dir, LOG_REQUESTS: 'false', PASSWORD_SCRYPT_LOG_N: String(TEST_SCRYPT_LOG_N), ...env });
}

/**
 * The engine tests run on: a temp SQLite file, or with TEST_DATABASE_URL (set by `npm run test:pg`)
 * a fresh database on that PostgreSQL server. Migrated; `drop` removes it.
 */
export async function openTestDatabase(config: Config): Promise<{ db: AppDatabase; drop(): Promise<void> }> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const db = openSqlite(config.databaseFile);
    await migrate(db);
    return { db, drop: async () => {} };
  }
  const { createTestDatabase } = await import('./postgres.js');
  const created = await createTestDatabase(adminUrl);
  const db = openPostgres(created.url);
  await migrate(db);
  return { db, drop: created.drop };
}

export const testEngine: 'sqlite' | 'postgres' = process.env.TEST_DATABASE_URL ? 'postgres' : 'sqlite';

/** A real app on a real temp database (SQLite, or PostgreSQL under test:pg), migrated, with a fixed clock. */
export async function makeTestApp(
  options: { env?: Record<string, string>; now?: string; ui?: AppOptions['ui'] } = {},
): Promise<TestContext> {
  const dir = tempDir();
  const config = testConfig(dir, options.env);
  const { db, drop } = await openTestDatabase(config);
  const clock = fixedClock(options.now ?? '2026-11-20T03:00:00Z');
  const intake = createIntake({ db, config, clock, logger: silentLogger });
  const app = createApp({ db, config, clock, logger: silentLogger, ui: options.ui ?? {}, intake });
  return {
    app,
    db,
    config,
    clock,
    intake,
    dir,
    cleanup: async () => {
      await intake.close();
      await db.close();
      await drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
