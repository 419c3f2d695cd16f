import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../db/types.js';
import { connectionReader, exportConnection, prepareRawCsv, rawCsvChunks, type RawWorkerData } from './raw.js';

/**
 * A large raw CSV export, made in a worker thread (started by rawCsvStream): on a read-only
 * connection of its own it reads the export's instruments and names, then the rows, and sends one
 * chunk per 'next' message, null at the end. The queries are the request thread's Kysely code.
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
const { file, plan } = workerData as RawWorkerData;
const connection = exportConnection(file);
const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }) });
const port = parentPort!;
let chunks: AsyncGenerator<Uint8Array> | undefined;

// A failure rejects this listener: the worker dies of it and the request's thread gets its 'error' event.
port.on('message', async () => {
  chunks ??= rawCsvChunks(db, connectionReader(connection), await prepareRawCsv(db, plan));
  const next = await chunks.next();
  // The chunk's memory moves to the request's thread rather than being copied there.
  if (next.done) port.postMessage(null);
  else port.postMessage(next.value, [next.value.buffer as ArrayBuffer]);
});
