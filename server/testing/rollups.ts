import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqlite, type AppDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import type { NewResponse } from '../db/types.js';
import { addDays } from '../time.js';
import type { RollupSource } from '../rollups/deltas.js';

/** Test-data builders for rollup and scoring tests: one response, or a seeded random population. */

/** A migrated SQLite database in a temp directory (without the HTTP app around it). */
export async function openTempDatabase(): Promise<{ db: AppDatabase; cleanup(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sipas-rollups-'));
  const db = openSqlite(path.join(dir, 'test.sqlite'));
  await migrate(db);
  return {
    db,
    cleanup: async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function aRollupSource(overrides: Partial<RollupSource> = {}): RollupSource {
  return {
    unit_id: 'unit-a',
    counter_id: 'counter-1',
    staff_id: null,
    procedure_id: null,
    channel: 'qr_web',
    instrument_id: 'QUAY@1',
    local_day: '2026-01-15',
    local_hour: 9,
    weekday: 4,
    answers: { 'QUAY.1': 5, 'QUAY.2': 4, 'QUAY.3': 3, 'QUAY.4': null, 'QUAY.ALL': 4 },
    suspect: false,
    ...overrides,
  };
}

/** The responses-table row that a source came from (same day, hour, weekday and answers). */
export function responseRowOf(source: RollupSource, id: string): NewResponse {
  return {
    id,
    survey_point_id: null,
    invitation_id: null,
    instrument_id: source.instrument_id,
    unit_id: source.unit_id,
    counter_id: source.counter_id || null,
    staff_id: source.staff_id || null,
    procedure_id: source.procedure_id || null,
    channel: source.channel as NewResponse['channel'],
    submitted_at: `${source.local_day}T${String(source.local_hour).padStart(2, '0')}:00:00+07:00`,
    local_day: source.local_day,
    local_hour: source.local_hour,
    weekday: source.weekday,
    answers: JSON.stringify(source.answers),
    comment: null,
    demographics: null,
    lang: 'vi',
    suspect: source.suspect ? 1 : 0,
    created_at: `${source.local_day}T00:00:00.000Z`,
  };
}

/** mulberry32: a tiny seeded generator, so a failing population can be reproduced from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Population {
  units: string[];
  counters: string[];
  staff: string[];
  procedures: string[];
  channels: string[];
  instruments: { id: string; items: string[] }[];
  firstDay: string;
  days: number;
  suspectShare: number;
}

export const SMALL_POPULATION: Population = {
  units: ['unit-a', 'unit-b', 'unit-c'],
  counters: ['counter-1', 'counter-2', ''],
  staff: ['staff-1', 'staff-2', ''],
  procedures: ['proc-1', ''],
  channels: ['qr_web', 'counter_tablet'],
  instruments: [
    { id: 'QUAY@1', items: ['QUAY.1', 'QUAY.2', 'QUAY.3', 'QUAY.4', 'QUAY.ALL'] },
    { id: 'S23S@1', items: ['S23.S.1.1', 'S23.S.3.1', 'S23.S.4.1'] },
  ],
  firstDay: '2025-11-20',
  days: 120,
  suspectShare: 0.08,
};

/** A seeded random population of responses: answers 1–5 or N/A, some items skipped, some suspect. */
export function randomSources(seed: number, count: number, population: Population = SMALL_POPULATION): RollupSource[] {
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const sources: RollupSource[] = [];
  for (let i = 0; i < count; i++) {
    const day = addDays(population.firstDay, Math.floor(random() * population.days));
    const instrument = pick(population.instruments);
    const answers: Record<string, number | null> = {};
    for (const item of instrument.items) {
      const r = random();
      if (r < 0.1) continue;
      answers[item] = r < 0.2 ? null : 1 + Math.floor(random() * 5);
    }
    const utcDay = new Date(`${day}T00:00:00Z`).getUTCDay();
    sources.push({
      unit_id: pick(population.units),
      counter_id: pick(population.counters) || null,
      staff_id: pick(population.staff) || null,
      procedure_id: pick(population.procedures) || null,
      channel: pick(population.channels),
      instrument_id: instrument.id,
      local_day: day,
      local_hour: 7 + Math.floor(random() * 11),
      weekday: utcDay === 0 ? 7 : utcDay,
      answers,
      suspect: random() < population.suspectShare,
    });
  }
  return sources;
}
