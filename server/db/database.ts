import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type SqliteDatabase } from 'kysely';
import pg from 'pg';
import { touchPrivateFile } from '../private-files.js';
import type { Database, Db } from './types.js';

export type Dialect = 'sqlite' | 'postgres';

/** The database as the app sees it: a Kysely handle plus the one way to run a write transaction. */
export interface AppDatabase {
  readonly dialect: Dialect;
  readonly kysely: Db;
  /** SQLite only: the raw handle, for pragmas, backups and the bulk seeding path. */
  readonly sqlite: BetterSqlite3.Database | undefined;
  /** Runs fn in one write transaction (BEGIN IMMEDIATE on SQLite), committing when it resolves. */
  write<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface SqliteOptions {
  /** Only the crash test's control run lowers this, to prove the harness can catch a loss. */
  synchronous?: 'FULL' | 'OFF';
  busyTimeoutMs?: number;
}

export class DurabilityError extends Error {}

/**
 * Opens a SQLite file with the pragmas the platform relies on, and asserts synchronous=FULL. A new
 * file (and so its -wal and -shm) is created readable by the server's account only.
 */
export function openSqlite(file: string, options: SqliteOptions = {}): AppDatabase {
  touchPrivateFile(file);
  const sqlite = new BetterSqlite3(file);
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
  enableWal(sqlite, busyTimeoutMs);
  sqlite.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
  sqlite.pragma('foreign_keys = ON');
  // 64 MiB of page cache (the default is 2 MiB): index pages of a multi-million-row table stay hot.
  sqlite.pragma('cache_size = -65536');
  if (options.synchronous !== 'OFF') assertDurable(sqlite);
  createDeviceMarks(sqlite);
  return sqliteAppDatabase(sqlite);
}

/**
 * Switching a new file to WAL takes an exclusive lock. Two processes opening the file together
 * (two CLI commands, say) can each hold a shared lock waiting for the other's; SQLite breaks that
 * deadlock by answering SQLITE_BUSY at once, without the busy handler, so wait and retry here.
 */
function enableWal(sqlite: BetterSqlite3.Database, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      sqlite.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10 + Math.random() * 40);
    }
  }
}

/**
 * The intake's device marks live in this connection's in-memory TEMP schema (migration 005 says
 * why); unqualified `device_marks` in queries resolves to it. Keyed hour first, so the purge of
 * old hours is a range delete.
 */
function createDeviceMarks(sqlite: BetterSqlite3.Database): void {
  sqlite.pragma('temp_store = MEMORY');
  sqlite.exec(`create temp table if not exists device_marks (
    hour_bucket text not null,
    survey_point_id text not null,
    mark_hash text not null,
    n integer not null,
    primary key (hour_bucket, survey_point_id, mark_hash)
  ) without rowid`);
}

/** synchronous=FULL reads back as 2; anything else could lose acknowledged responses on power loss. */
export function assertDurable(sqlite: BetterSqlite3.Database): void {
  const level = sqlite.pragma('synchronous', { simple: true });
  const journal = sqlite.pragma('journal_mode', { simple: true });
  if (level !== 2) throw new DurabilityError(`SQLite synchronous is ${String(level)}, not FULL (2): refusing to start`);
  if (journal !== 'wal' && journal !== 'memory') {
    throw new DurabilityError(`SQLite journal_mode is ${String(journal)}, not WAL: refusing to start`);
  }
}

/** Distinct SQL texts kept prepared: the app has a few hundred query shapes at most. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * better-sqlite3 as Kysely sees it, reusing prepared statements by SQL text. Kysely prepares every
 * query anew, and on the intake path preparing cost about as much as running. A statement still
 * being iterated (a streamed export) is busy, so a query with the same text gets a fresh one.
 */
function withStatementCache(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      const cached = cache.get(text);
      if (cached) {
        if (cached.busy) return sqlite.prepare(text);
        // Re-inserting keeps the Map in least-recently-used order for eviction.
        cache.delete(text);
        cache.set(text, cached);
        return cached;
      }
      const statement = sqlite.prepare(text);
      cache.set(text, statement);
      if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      return statement;
    },
  };
}

function sqliteAppDatabase(sqlite: BetterSqlite3.Database): AppDatabase {
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    dialect: 'sqlite',
    kysely,
    sqlite,
    write: (fn) =>
      kysely.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        try {
          const result = await fn(conn);
          await sql`commit`.execute(conn);
          return result;
        } catch (err) {
          if (sqlite.inTransaction) await sql`rollback`.execute(conn);
          throw err;
        }
      }),
    close: async () => {
      await kysely.destroy();
    },
  };
}

/**
 * Counts and sums come back from PostgreSQL as bigint/numeric text; the app's counts fit in a
 * double, so parse them as numbers like SQLite returns them.
 */
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

/** PostgreSQL through Kysely's dialect: one pool, and each write in one transaction. */
export function openPostgres(url: string, options: { max?: number } = {}): AppDatabase {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
  // An idle pooled connection that drops (server restart, failover) emits 'error' on the pool;
  // unhandled, that would crash the app server. The pool replaces the connection on next use.
  pool.on('error', (err) => {
    process.stderr.write(`${JSON.stringify({ t: new Date().toISOString(), event: 'postgres_idle_connection_lost', message: err.message })}\n`);
  });
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    dialect: 'postgres',
    kysely,
    sqlite: undefined,
    write: (fn) => kysely.transaction().execute(fn),
    close: async () => {
      await kysely.destroy();
    },
  };
}
