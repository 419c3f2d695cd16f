import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { openSqlite } from '../db/database.js';
import type { Db } from '../db/types.js';
import { rebuildRollups } from '../rollups/index.js';
import { checkDatabaseFile } from '../durability/backup.js';
import type { Answers } from './load.js';

export interface StoredCheck {
  /** Responses in the database. */
  responses: number;
  acknowledged: number;
  /** Acknowledged ids that are not stored. */
  missing: string[];
  /** Stored responses whose answers are not exactly what was sent, or whose required fields are empty. */
  partial: string[];
  /** Rollup rows that differ from a rebuild from the stored responses (each side counted). */
  rollupMismatches: number;
  /** `PRAGMA integrity_check` problems; empty when the file is sound. */
  integrity: string[];
}

const ROLLUP_TABLES = ['rollup_fine', 'rollup_unit_day', 'rollup_unit_month', 'rollup_heat', 'rollup_response_day'] as const;

/** Every rollup row with a count, as sorted JSON lines (rows a delta brought back to zero are equal to absent ones). */
export async function rollupRows(db: Db): Promise<string[]> {
  const lines: string[] = [];
  for (const table of ROLLUP_TABLES) {
    const rows = await db.selectFrom(table).selectAll().execute();
    for (const row of rows as Record<string, unknown>[]) {
      if ((row.n_valid ?? row.n) !== 0) lines.push(`${table} ${JSON.stringify(row)}`);
    }
  }
  return lines.sort();
}

/** Lines in one sorted list and not the other, both ways (a multiset difference). */
export function countDifferences(a: string[], b: string[]): number {
  let i = 0;
  let j = 0;
  let differences = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (j >= b.length || (i < a.length && a[i]! < b[j]!)) {
      differences++;
      i++;
    } else {
      differences++;
      j++;
    }
  }
  return differences;
}

/**
 * Checks a database (possibly in use by a running server) against what a client sent: every
 * acknowledged id is stored, every stored response sent by the client carries exactly its answers,
 * and the rollup tables equal a rebuild from the stored responses. The rebuild runs on a snapshot
 * copy (VACUUM INTO), so the live file is only read.
 */
export async function checkStoredResponses(
  databaseFile: string,
  expected: { sent: ReadonlyMap<string, Answers>; acknowledged: Iterable<string> },
): Promise<StoredCheck> {
  const integrity = checkDatabaseFile(databaseFile);
  const dir = mkdtempSync(path.join(tmpdir(), 'sipas-verify-'));
  try {
    const copyFile = path.join(dir, 'snapshot.sqlite');
    const live = new BetterSqlite3(databaseFile, { fileMustExist: true, timeout: 10_000 });
    try {
      live.prepare('VACUUM INTO ?').run(copyFile);
    } finally {
      live.close();
    }
    const copy = openSqlite(copyFile);
    try {
      const rows = await copy.kysely.selectFrom('responses').select(['id', 'answers', 'unit_id', 'instrument_id', 'local_day', 'submitted_at']).execute();
      const stored = new Set(rows.map((r) => r.id));
      const acknowledged = [...expected.acknowledged];
      const missing = acknowledged.filter((id) => !stored.has(id));
      const partial = rows
        .filter((r) => {
          const sent = expected.sent.get(r.id);
          if (!sent) return false;
          const complete = Boolean(r.unit_id && r.instrument_id && r.local_day && r.submitted_at);
          return !complete || !isDeepStrictEqual(JSON.parse(r.answers), sent);
        })
        .map((r) => r.id);
      const incremental = await rollupRows(copy.kysely);
      await rebuildRollups(copy);
      const rebuilt = await rollupRows(copy.kysely);
      return {
        responses: rows.length,
        acknowledged: acknowledged.length,
        missing,
        partial,
        rollupMismatches: countDifferences(incremental, rebuilt),
        integrity,
      };
    } finally {
      await copy.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
