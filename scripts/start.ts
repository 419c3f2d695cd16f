import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { main } from '../server/main.js';
import { seedDemo } from '../server/seed/index.js';
import { systemClock } from '../server/clock.js';
import { consoleLogger } from '../server/log.js';
import { DIST_DIR } from '../server/ui.js';

const root = path.dirname(DIST_DIR);

/** Builds a UI only when its dist/ is missing, so a fresh clone starts with one command. */
function buildMissingUis(): void {
  for (const name of ['survey', 'admin'] as const) {
    if (existsSync(path.join(DIST_DIR, name, 'index.html'))) continue;
    process.stdout.write(`Building the ${name} UI…\n`);
    execFileSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', `${name}-ui/vite.config.ts`, '--logLevel', 'warn'], {
      cwd: root,
      stdio: 'inherit',
    });
  }
}

buildMissingUis();
const running = await main();
const deps = { db: running.db, config: running.config, clock: systemClock, logger: consoleLogger };
const hasData = await running.db.kysely.selectFrom('units').select('id').limit(1).executeTakeFirst();
const base = running.config.publicBaseUrl;
if (!hasData) {
  process.stdout.write('Empty database: seeding the demo province (Cà Mau)…\n');
  const demo = await seedDemo(deps, { responses: 10_000, seed: 20250701 });
  process.stdout.write(`Survey: ${base}/s/${demo.surveyCode}\n`);
  process.stdout.write(`Admin: ${base}/admin/\n`);
  for (const line of demo.lines) process.stdout.write(`${line}\n`);
} else {
  const point = await running.db.kysely.selectFrom('survey_points').select('code').where('status', '=', 'open').limit(1).executeTakeFirst();
  if (point) process.stdout.write(`Survey: ${base}/s/${point.code}\n`);
  process.stdout.write(`Admin: ${base}/admin/\n`);
}
