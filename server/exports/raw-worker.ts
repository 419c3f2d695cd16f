import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { DummyDriver, Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler } from 'kysely';
import type { Database } from '../db/types.js';
import { rawCsvChunks, sqliteFileReader, type RawCsvJob } from './raw.js';

/**
 * A large raw CSV export, made in a worker thread (started by rawCsvStream): it reads the SQLite file
 * on a connection of its own and sends one chunk per 'next' message, null at the end. The queries are
 * built by the same Kysely code as in the request's thread; this instance only compiles them.
 */
/**
 * When the CPU is short, the intake's thread goes first: on Linux a thread has a nice value of its
 * own, and /proc/thread-self names this one. Elsewhere the export keeps the process's priority.
 */
function yieldCpuToTheServer(): void {
  try {
    setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 10);
  } catch {
    // Not Linux, or not allowed: nothing to lower.
  }
}

yieldCpuToTheServer();
const { file, ...job } = workerData as RawCsvJob & { file: string };
const compiler = new Kysely<Database>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
});
const chunks = rawCsvChunks(compiler, sqliteFileReader(file), job);
const port = parentPort!;

// A failure rejects this listener: the worker dies of it and the request's thread gets its 'error' event.
port.on('message', async () => {
  const next = await chunks.next();
  port.postMessage(next.done ? null : next.value);
});
