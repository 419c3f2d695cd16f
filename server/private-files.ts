import { closeSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';

/**
 * The database, its backups and the server secret hold citizens' comments, password hashes and the
 * key to invitation links: only the server's own account may read them. Under the usual umask 022 a
 * plain create would make them 0644 in a 0755 folder, readable by every account on the machine.
 */
export const PRIVATE_FILE_MODE = 0o600;
const PRIVATE_DIR_MODE = 0o700;

/** Creates a directory (and missing parents) only the server's account can enter; an existing one is left as it is. */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Creates an empty file only the server's account can read, for SQLite to fill (it keeps the mode,
 * and gives a database's -wal, -shm and -journal the same); an existing file is left as it is.
 */
export function touchPrivateFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
}

/**
 * Copies a file into a new one only the server's account can read. (copyFileSync gives the copy the
 * source's mode before it writes a byte: a world-readable backup would be copied world-readable.)
 */
export function copyToPrivateFile(source: string, target: string): void {
  const from = openSync(source, 'r');
  try {
    const to = openSync(target, 'wx', PRIVATE_FILE_MODE);
    try {
      const chunk = Buffer.alloc(1 << 20);
      for (let read = readSync(from, chunk); read > 0; read = readSync(from, chunk)) {
        for (let written = 0; written < read; ) written += writeSync(to, chunk, written, read - written);
      }
    } finally {
      closeSync(to);
    }
  } finally {
    closeSync(from);
  }
}
