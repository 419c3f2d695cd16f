import { CompiledQuery, PostgresAdapter } from 'kysely';
import type { Database, Db } from './types.js';

/** Bound values per statement: under SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_PARAMS = 30_000;

/** Statement texts by shape; the intake and the rollups have a few dozen (one per row count seen). */
const texts = new Map<string, string>();
const MAX_TEXTS = 2_000;

/**
 * Multi-row `INSERT INTO table (the first row's columns) VALUES … tail`, in statements of at most
 * MAX_PARAMS values, returning what `tail`'s RETURNING gives. The text is written once per shape
 * (engine, table, columns, row count, tail) and the values go as parameters: the intake's batches
 * insert tens of rows of twenty-odd columns into several tables, and building and compiling those
 * through the query builder cost more than SQLite took to store them. `tail` is trusted SQL (ON
 * CONFLICT, RETURNING) written in the caller, never from input; every row must have every column.
 */
export async function insertRows<Returned = never>(tx: Db, table: keyof Database, rows: readonly object[], tail = ''): Promise<Returned[]> {
  if (rows.length === 0) return [];
  const columns = Object.keys(rows[0]!);
  const postgres = tx.getExecutor().adapter instanceof PostgresAdapter;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  const returned: Returned[] = [];
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const params: unknown[] = new Array(chunk.length * columns.length);
    let k = 0;
    for (const row of chunk) {
      for (const column of columns) {
        const value = (row as Record<string, unknown>)[column];
        if (value === undefined) throw new Error(`insertRows: ${table}.${column} is missing from a row`);
        params[k++] = value;
      }
    }
    const result = await tx.executeQuery<Returned>(CompiledQuery.raw(statementText(postgres, table, columns, chunk.length, tail), params));
    for (const row of result.rows) returned.push(row);
  }
  return returned;
}

function statementText(postgres: boolean, table: string, columns: readonly string[], rowCount: number, tail: string): string {
  const key = `${postgres ? 'pg' : 'sqlite'}\u0000${table}\u0000${columns.join(',')}\u0000${rowCount}\u0000${tail}`;
  const known = texts.get(key);
  if (known !== undefined) return known;
  let n = 0;
  const tuple = () => `(${columns.map(() => (postgres ? `$${++n}` : '?')).join(', ')})`;
  const values = Array.from({ length: rowCount }, tuple).join(', ');
  const text = `insert into ${quoted(table)} (${columns.map(quoted).join(', ')}) values ${values}${tail ? ` ${tail}` : ''}`;
  if (texts.size >= MAX_TEXTS) texts.clear();
  texts.set(key, text);
  return text;
}

/** A double-quoted identifier, as both engines read it. */
export function quoted(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
