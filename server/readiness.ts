import { sql } from 'kysely';
import type { AppDatabase } from './db/database.js';
import { MIGRATIONS } from './db/migrate.js';
import type { BackupSchedule } from './durability/scheduler.js';

/**
 * What GET /readyz answers: whether this server should get traffic. /healthz only says the process
 * answers; ready also needs the start-up work finished (the demo seed), every migration applied,
 * the database taking writes and the latest scheduled backup not failed.
 */
export interface Readiness {
  /** The start-up work is done (servers started without held readiness are ready from the start). */
  markStarted(): void;
  /** The checks that fail, none when ready. */
  problems(): Promise<ReadinessProblem[]>;
}

export interface ReadinessProblem {
  check: 'startup' | 'migrations' | 'database' | 'backup';
  message: string;
}

export interface ReadinessOptions {
  db: AppDatabase;
  backups?: BackupSchedule | undefined;
  /** Not ready until markStarted(): start-up work (the demo seed) runs after the server listens. */
  holdUntilStarted?: boolean;
  /**
   * The write probe runs at most this often; in between its last result stands, so probes (and
   * anyone hammering the public /readyz) cost at most one small commit per interval. Default 1 s.
   */
  writeProbeEveryMs?: number;
}

/**
 * A real write: SQLite rewrites the header's user_version with its own value in a write
 * transaction (so a read-only file, a full disk or a write lock held past busy_timeout fail it);
 * PostgreSQL takes a transaction id, which a read-only standby refuses.
 */
async function probeWrite(db: AppDatabase): Promise<void> {
  await db.write(async (tx) => {
    if (db.dialect === 'postgres') {
      await sql`select txid_current()`.execute(tx);
      return;
    }
    const { rows } = await sql<{ user_version: number }>`pragma user_version`.execute(tx);
    await sql.raw(`pragma user_version = ${Number(rows[0]?.user_version ?? 0)}`).execute(tx);
  });
}

export function createReadiness(options: ReadinessOptions): Readiness {
  const { db, backups } = options;
  const probeEveryMs = options.writeProbeEveryMs ?? 1000;
  let started = !options.holdUntilStarted;
  let migrationsDone = false;
  let lastProbe: { at: number; result: Promise<string | null> } | undefined;

  const writable = (): Promise<string | null> => {
    const now = performance.now();
    if (!lastProbe || now - lastProbe.at >= probeEveryMs) {
      const result = probeWrite(db).then(
        () => null,
        (err: unknown) => `the database does not take writes (${String((err as { code?: unknown }).code ?? (err as Error).name)})`,
      );
      lastProbe = { at: now, result };
    }
    return lastProbe.result;
  };

  const pendingMigrations = async (): Promise<string | null> => {
    if (migrationsDone) return null;
    const applied = new Set((await db.kysely.selectFrom('schema_migrations').select('version').execute()).map((r) => r.version));
    const pending = MIGRATIONS.filter((m) => !applied.has(m.version)).map((m) => m.version);
    migrationsDone = pending.length === 0;
    return migrationsDone ? null : `migrations ${pending.join(', ')} are not applied`;
  };

  return {
    markStarted: () => {
      started = true;
    },
    problems: async () => {
      // While start-up work runs nothing else is probed: the demo seed holds the write lock in
      // long transactions, and a write probe waiting on it would stall every request meanwhile.
      if (!started) return [{ check: 'startup', message: 'start-up is not finished' }];
      const problems: ReadinessProblem[] = [];
      const migrations = await pendingMigrations().catch(() => 'the migrations table cannot be read');
      if (migrations) problems.push({ check: 'migrations', message: migrations });
      const database = await writable();
      if (database) problems.push({ check: 'database', message: database });
      const lastBackup = backups?.lastRun;
      if (lastBackup && !lastBackup.ok) {
        problems.push({ check: 'backup', message: `the scheduled backup failed at ${lastBackup.endedAt.toISOString()}` });
      }
      return problems;
    },
  };
}
