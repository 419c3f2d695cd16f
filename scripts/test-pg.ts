import { spawn } from 'node:child_process';
import path from 'node:path';
import { startTestPostgres } from '../server/testing/postgres.js';

/**
 * `npm run test:pg [-- <vitest filters>]`: the server test suite (or the given filters) against a
 * throwaway PostgreSQL server, started here and removed afterwards. server/durability is left out:
 * it tests SQLite itself (online backup API, synchronous pragma, read-only and full files, kill -9
 * of the embedded database); on PostgreSQL those guarantees are the server's, backed up with pg_dump.
 */
const pg = await startTestPostgres();
const root = path.resolve(import.meta.dirname, '..');
const code = await new Promise<number>((resolve) => {
  const child = spawn(process.execPath, [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', ...(process.argv.length > 2 ? process.argv.slice(2) : ['server', '--exclude', 'server/durability/**'])], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TEST_DATABASE_URL: pg.adminUrl },
  });
  child.on('exit', (c) => resolve(c ?? 1));
});
await pg.stop();
process.exit(code);
