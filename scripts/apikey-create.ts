import { UnitKind } from '../schema/admin.js';
import { createApiKeyForUnitCode } from '../server/apikeys/manage.js';
import { AppError } from '../server/http.js';
import { fail, parseArgs, scriptDeps } from './cli.js';

/**
 * `npm run apikey:create -- --unit <unit code> [--kind centre|branch|…] [--name "…"]`: a key for a
 * unit's one-stop system. The key is printed once; only its SHA-256 is stored.
 */
const { flags } = parseArgs(process.argv.slice(2));
if (typeof flags.unit !== 'string') fail('Usage: npm run apikey:create -- --unit <unit code> [--kind <kind>] [--name <label>]');
const kind = flags.kind === undefined ? undefined : UnitKind.safeParse(flags.kind);
if (kind && !kind.success) fail(`--kind must be one of ${UnitKind.options.join(', ')}`);
const deps = await scriptDeps();
try {
  const made = await createApiKeyForUnitCode(deps, {
    unitCode: flags.unit,
    ...(kind?.success ? { kind: kind.data } : {}),
    name: typeof flags.name === 'string' ? flags.name : 'One-stop system',
  });
  process.stdout.write(`API key for ${made.unitName} (shown once; send it as "Authorization: Bearer <key>"):\n${made.key}\n`);
} catch (err) {
  if (err instanceof AppError) fail(err.message);
  throw err;
} finally {
  await deps.db.close();
}
