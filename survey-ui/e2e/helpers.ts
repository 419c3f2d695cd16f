import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';

export const SHOTS_DIR = '/tmp/shots';

export async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  mkdirSync(SHOTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS_DIR, `survey-${name}.png`), fullPage });
}

export type Row = Record<string, unknown>;

export function readDb<T>(dbFile: string, read: (db: Database.Database) => T): T {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/**
 * Test set-up the demo seed does not provide (another survey point, a retired code), written
 * straight into the running server's database: a copy of an existing row keeps every column valid.
 */
export function copySurveyPoint(dbFile: string, fromCode: string, change: { code: string; instrument_id?: string; kiosk?: number }): void {
  const db = new Database(dbFile, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  try {
    const row = db.prepare('SELECT * FROM survey_points WHERE code = ?').get(fromCode) as Row;
    const copy: Row = { ...row, ...change, id: `e2e${change.code}` };
    const columns = Object.keys(copy);
    db.prepare(`INSERT INTO survey_points (${columns.join(',')}) VALUES (${columns.map((c) => `@${c}`).join(',')})`).run(copy);
  } finally {
    db.close();
  }
}

export function retireCode(dbFile: string, fromCode: string, retiredCode: string): void {
  const db = new Database(dbFile, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  try {
    const point = db.prepare('SELECT id FROM survey_points WHERE code = ?').get(fromCode) as { id: string };
    db.prepare('INSERT INTO retired_codes (code, survey_point_id, retired_at) VALUES (?, ?, ?)').run(
      retiredCode,
      point.id,
      new Date().toISOString(),
    );
  } finally {
    db.close();
  }
}

/** Answers every question on the current screen with `value` ('na' = Không có ý kiến). */
export async function answerScreen(page: Page, value: string): Promise<void> {
  const names = await page.locator('fieldset.question input[type=radio]').evaluateAll((inputs) => [
    ...new Set(inputs.map((input) => (input as HTMLInputElement).name)),
  ]);
  for (const name of names) await page.locator(`input[name="${name}"][value="${value}"]`).check();
}
