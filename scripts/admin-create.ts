import { createSystemAdmin } from '../server/auth/users.js';
import { AppError } from '../server/http.js';
import { fail, parseArgs, scriptDeps } from './cli.js';

/**
 * `npm run admin:create -- --username U [--password P]`: makes a system administrator. Without
 * --password a strong one is generated, printed once and to be changed at the first sign-in; a
 * password is never stored in clear.
 */
const { flags } = parseArgs(process.argv.slice(2));
if (typeof flags.username !== 'string') fail('Usage: npm run admin:create -- --username <name> [--password <at least 10 characters>]');
if (flags.password === true) fail('--password needs a value (or leave it out to generate one)');
const deps = await scriptDeps();
try {
  const made = await createSystemAdmin(deps, { username: flags.username, ...(typeof flags.password === 'string' ? { password: flags.password } : {}) });
  process.stdout.write(`System administrator "${made.username}" created.\n`);
  if (made.generated) process.stdout.write(`Password (shown once; you will be asked to change it at the first sign-in): ${made.password}\n`);
} catch (err) {
  if (err instanceof AppError) fail(`${err.message}${err.issues?.length ? `: ${err.issues.map((i) => i.message).join('; ')}` : ''}`);
  throw err;
} finally {
  await deps.db.close();
}
