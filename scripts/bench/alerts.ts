import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { SurveyResponseInput } from '../../schema/survey.js';
import { systemClock } from '../../server/clock.js';
import type { Deps } from '../../server/deps.js';
import { requireInstrument } from '../../server/instruments/store.js';
import { prepareResponse, type PreparedResponse } from '../../server/intake/prepare.js';
import { writeBatch } from '../../server/intake/store.js';
import { silentLogger } from '../../server/log.js';
import { openDatabase } from '../../server/main.js';
import { seedDemo } from '../../server/seed/index.js';
import { resolveSurveyCode } from '../../server/surveys/resolve.js';
import { tempDir, testConfig } from '../../server/testing/harness.js';

export interface AlertCostResult {
  submissions: number;
  /** Submissions whose answer of 1 carried a comment (each raised an alert and opened a case). */
  raised: number;
  withRulesUs: number;
  withoutRulesUs: number;
}

/** The batch the group commit forms under the submissions bench's 64 connections. */
const BATCH = 64;
const ROUNDS = 4;
const PER_ROUND = 1_280;

/** Mostly 4s and 5s, a 1 about 3% of the time: the shape of real answers, so the rule fires as often as it would. */
function score(): number {
  const r = Math.random();
  return r < 0.03 ? 1 : r < 0.08 ? 2 : r < 0.2 ? 3 : r < 0.55 ? 4 : 5;
}

/**
 * CPU per submission of the intake's batch write (writeBatch, in batches of 64) with the alert rules
 * and without them (the control run), in alternating rounds on one demo database after a warm-up
 * round, so JIT warm-up and drift fall on neither side. CPU is the process's user + system time.
 */
export async function benchAlertCost(): Promise<AlertCostResult> {
  const dir = tempDir('sipas-bench-alerts-');
  const config = testConfig(dir);
  const db = await openDatabase(config);
  try {
    const deps: Deps = { db, config, clock: systemClock, logger: silentLogger };
    const demo = await seedDemo(deps, { responses: 2_000, seed: 1, invitations: 0 });
    const instrument = await requireInstrument(db.kysely, 'QUAY@1');
    const settings = { ...config, kioskMinGapSeconds: 0 };
    const prepare = async (): Promise<PreparedResponse> => {
      const now = new Date();
      const target = await resolveSurveyCode(db.kysely, systemClock, demo.surveyCode);
      const input: SurveyResponseInput = {
        id: randomUUID(),
        code: demo.surveyCode,
        instrumentId: 'QUAY@1',
        answers: { 'QUAY.1': score(), 'QUAY.2': score(), 'QUAY.3': score(), 'QUAY.4': score(), 'QUAY.ALL': score() },
        comment: Math.random() < 0.3 ? 'Cán bộ hướng dẫn chưa rõ' : undefined,
        lang: 'vi',
        kiosk: false,
      };
      return prepareResponse(input, target, instrument.definition, { now, commentMaxChars: config.commentMaxChars, deviceMarks: [], addressMark: null });
    };
    const cpu = { with: 0, without: 0 };
    let submissions = 0;
    const alertsBefore = await db.kysely.selectFrom('alerts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    // Warm-up: the first round pays for compiling the write path; it counts on neither side.
    for (let round = -1; round < ROUNDS * 2; round++) {
      const withoutAlerts = round % 2 === 1;
      const items = await Promise.all(Array.from({ length: PER_ROUND }, prepare));
      const started = process.cpuUsage();
      for (let i = 0; i < items.length; i += BATCH) {
        await db.write((tx) => writeBatch(tx, items.slice(i, i + BATCH), { ...settings, withoutAlerts }));
      }
      const used = process.cpuUsage(started);
      if (round < 0) continue;
      cpu[withoutAlerts ? 'without' : 'with'] += used.user + used.system;
      if (!withoutAlerts) submissions += items.length;
    }
    const alertsAfter = await db.kysely.selectFrom('alerts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return {
      submissions,
      raised: Number(alertsAfter.n) - Number(alertsBefore.n),
      withRulesUs: cpu.with / submissions,
      withoutRulesUs: cpu.without / submissions,
    };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
