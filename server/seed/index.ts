import type { Deps } from '../deps.js';
import { AppError } from '../http.js';
import { seedReference, seedResponses } from './demo.js';

export interface DemoSeedOptions {
  responses: number;
  seed: number;
  onProgress?: (written: number) => void;
}

export interface DemoSeedResult {
  /** A counter's survey code, for the printed `Survey:` link. */
  surveyCode: string;
  /** Lines to print once: demo login and API key (shown only now, stored hashed). */
  lines: string[];
}

/** The demo province with its centres, accounts, API key and synthetic responses, on an empty database. */
export async function seedDemo(deps: Deps, options: DemoSeedOptions): Promise<DemoSeedResult> {
  const existing = await deps.db.kysely.selectFrom('units').select('id').limit(1).executeTakeFirst();
  if (existing) {
    throw new AppError('conflict', 409, `The database in ${deps.config.dataDir} already has data; seed an empty DATA_DIR`);
  }
  const ref = await seedReference(deps);
  await seedResponses(deps, ref, { count: options.responses, seed: options.seed, onProgress: options.onProgress });
  const weakCentre = ref.centres.find((c) => c.weak) ?? ref.centres[0]!;
  return { surveyCode: weakCentre.counters[0]!.surveyCode, lines: [] };
}
