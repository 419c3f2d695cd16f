import { spawn } from 'node:child_process';
import path from 'node:path';
import { startTestPostgres } from '../server/testing/postgres.js';

/**
 * `npm run test:pg [-- <vitest filters>]`: the server test suite (or the given filters) against a
 * throwaway PostgreSQL server, started here and removed afterwards.
 */
const pg = await startTestPostgres();
const root = path.resolve(import.meta.dirname, '..');
const code = await new Promise<number>((resolve) => {
  const child = spawn(process.execPath, [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', ...(process.argv.length > 2 ? process.argv.slice(2) : ['server'])], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TEST_DATABASE_URL: pg.adminUrl },
  });
  child.on('exit', (c) => resolve(c ?? 1));
});
await pg.stop();
process.exit(code);
