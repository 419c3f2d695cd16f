import type { Role } from '../../schema/admin.js';
import { aSession, asSession, aUser } from './auth.js';
import type { Deps } from '../deps.js';
import type { NewResponse, UnitRow } from '../db/types.js';
import { applyRollupDeltas, computeRollupDeltas, rollupSourceFromRow } from '../rollups/index.js';
import { silentLogger } from '../log.js';
import { seedReference, seedResponses } from '../seed/demo.js';
import { seedDemo } from '../seed/index.js';
import { makeTestApp, type TestContext } from './harness.js';

/** Test builders for exports and imports: the demo province with responses, an empty twin, signed-in callers. */

export interface ExportTestContext {
  t: TestContext;
  deps: Deps;
  /** A unit by its code (e.g. '96', '31942-TTPVHCC'). */
  unit(code: string): Promise<UnitRow>;
  /** Request headers of a signed-in caller with this role on this unit (null: system admin). */
  as(role: Role, unitId: string | null): Promise<Record<string, string>>;
  /** Stores hand-made responses with their rollups, as the write path would. */
  store(rows: NewResponse[]): Promise<void>;
}

function context(t: TestContext): ExportTestContext {
  const deps: Deps = { db: t.db, config: t.config, clock: t.clock, logger: silentLogger };
  return {
    t,
    deps,
    unit: (code) => t.db.kysely.selectFrom('units').selectAll().where('code', '=', code).executeTakeFirstOrThrow(),
    as: async (role, unitId) => {
      const user = await aUser(t.db, t.clock, { grants: [{ role, unitId }] });
      return asSession(await aSession(t, user.id));
    },
    store: (rows) =>
      t.db.write(async (tx) => {
        await tx.insertInto('responses').values(rows).execute();
        const sources = rows.map((r) =>
          rollupSourceFromRow({
            unit_id: r.unit_id,
            counter_id: r.counter_id ?? null,
            staff_id: r.staff_id ?? null,
            procedure_id: r.procedure_id ?? null,
            channel: r.channel,
            instrument_id: r.instrument_id,
            local_day: r.local_day,
            local_hour: r.local_hour,
            weekday: r.weekday,
            answers: r.answers,
            suspect: r.suspect ?? 0,
          }),
        );
        await applyRollupDeltas(tx, computeRollupDeltas(sources));
      }),
  };
}

/**
 * The demo province (Cà Mau) on a temp database at 2026-11-20: `responses` synthetic responses over
 * the last year and per-dossier invitations over the last eight weeks, through the demo seed.
 */
export async function anExportApp(options: { responses?: number; invitations?: number; env?: Record<string, string> } = {}): Promise<ExportTestContext> {
  const t = await makeTestApp(options.env ? { env: options.env } : {});
  const ctx = context(t);
  await seedDemo(ctx.deps, { responses: options.responses ?? 4000, seed: 7, invitations: options.invitations ?? 60 });
  return ctx;
}

/**
 * The demo province's units, counters, staff, procedures and survey points with `responses` synthetic
 * responses written straight to the tables (no accounts, no invitations): fast enough for 100k.
 */
export async function aProvince(options: { responses?: number; seed?: number } = {}): Promise<ExportTestContext> {
  const t = await makeTestApp();
  const ctx = context(t);
  const ref = await seedReference(ctx.deps);
  if (options.responses) await seedResponses(ctx.deps, ref, { count: options.responses, seed: options.seed ?? 11 });
  return ctx;
}

/** The same province without a single response: where an export is imported back. */
export function anEmptyTwin(): Promise<ExportTestContext> {
  return aProvince();
}
