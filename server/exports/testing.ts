import type { Role } from '../../schema/admin.js';
import { aSession, asSession, aUser } from '../auth/test-support.js';
import type { Deps } from '../deps.js';
import { silentLogger } from '../log.js';
import { seedReference, seedResponses, type DemoReference } from '../seed/demo.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';

/** Test builders for exports and imports: a demo province with responses, and signed-in callers. */

export interface ExportTestContext {
  t: TestContext;
  deps: Deps;
  ref: DemoReference;
  /** Request headers of a signed-in caller with this role on this unit (null: system admin). */
  as(role: Role, unitId: string | null): Promise<Record<string, string>>;
}

/** A real app on a temp database with the demo province and `responses` synthetic responses over the last year. */
export async function anExportApp(options: { responses?: number; now?: string; seed?: number } = {}): Promise<ExportTestContext> {
  const t = await makeTestApp(options.now ? { now: options.now } : {});
  const deps: Deps = { db: t.db, config: t.config, clock: t.clock, logger: silentLogger };
  const ref = await seedReference(deps);
  if (options.responses) await seedResponses(deps, ref, { count: options.responses, seed: options.seed ?? 7 });
  return {
    t,
    deps,
    ref,
    as: async (role, unitId) => {
      const user = await aUser(t.db, t.clock, { grants: [{ role, unitId }] });
      return asSession(await aSession(t, user.id));
    },
  };
}
