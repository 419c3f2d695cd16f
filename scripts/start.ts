import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { main } from '../server/main.js';
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

/** What `seed --json` prints: the demo's survey code and its login and API key lines. */
const SeedSummary = z.object({ surveyCode: z.string(), lines: z.array(z.string()) });

/**
 * Seeds the demo province with the seed script beside this one (compiled, or under tsx in
 * development) in a child process: the server stays live meanwhile, and the seed's memory (about
 * 60 MB of heap and page cache) goes with the child instead of staying in the server for good.
 */
async function seedDemoInChild(): Promise<z.infer<typeof SeedSummary>> {
  const script = path.join(import.meta.dirname, `seed${path.extname(import.meta.filename)}`);
  const child = spawn(process.execPath, [...process.execArgv, script, '--responses', '10000', '--seed', '20250701', '--json'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stopChild = () => child.kill();
  process.once('exit', stopChild);
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  process.off('exit', stopChild);
  if (code !== 0) throw new Error(`the demo seed failed (exit code ${code})`);
  return SeedSummary.parse(JSON.parse(output.trim().split('\n').at(-1) ?? ''));
}

buildMissingUis();
const running = await main({ holdReadiness: true });
const hasData = await running.db.kysely.selectFrom('units').select('id').limit(1).executeTakeFirst();
const base = running.config.publicBaseUrl;
const lines: string[] = [];
if (!hasData) {
  process.stdout.write('Empty database: seeding the demo province (Cà Mau)…\n');
  const demo = await seedDemoInChild();
  lines.push(`Survey: ${base}/s/${demo.surveyCode}`, `Admin: ${base}/admin/`, ...demo.lines);
} else {
  const point = await running.db.kysely.selectFrom('survey_points').select('code').where('status', '=', 'open').limit(1).executeTakeFirst();
  if (point) lines.push(`Survey: ${base}/s/${point.code}`);
  lines.push(`Admin: ${base}/admin/`);
}
running.readiness.markStarted();
// The links are printed once /readyz says ready, so whoever follows them finds a working server.
for (let reported = false; ; reported = true) {
  const problems = await running.readiness.problems();
  if (problems.length === 0) break;
  if (!reported) consoleLogger.error('not_ready', { problems: problems.map((p) => p.message).join('; ') });
  await new Promise((resolve) => setTimeout(resolve, 1000));
}
for (const line of lines) process.stdout.write(`${line}\n`);
