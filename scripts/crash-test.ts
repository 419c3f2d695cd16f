import { rmSync } from 'node:fs';
import { systemClock } from '../server/clock.js';
import { SubmissionLoad, type Answers } from '../server/testing/load.js';
import { loadServerProcess, type LoadedServerProcess, type ServerProcess } from '../server/testing/server-process.js';
import { checkStoredResponses } from '../server/testing/durability.js';
import { CRASH_CONTROL_ENV, CRASH_CONTROL_VALUE, openDatabase } from '../server/main.js';
import { aSite } from '../server/testing/builders.js';
import { tempDir, testConfig } from '../server/testing/harness.js';
import { parseArgs } from './cli.js';

/**
 * `npm run test:crash [-- --kills 20 --control-kills 8 --rate 500]`: the real server as a child
 * process under ~500 submissions/s is killed with SIGKILL at a random moment (just as a burst of
 * submissions is being answered), restarted, and checked: every acknowledged id stored, no response
 * half-written, rollups equal to a rebuild. The same harness then runs a control server that
 * acknowledges before committing with synchronous=OFF, and must catch it losing answers.
 * Exits 1 unless the durable server loses nothing and the control loses something.
 */

export interface SeriesFigures {
  kills: number;
  sent: number;
  acknowledged: number;
  stored: number;
  missing: number;
  partial: number;
  rollupMismatches: number;
  integrityFailures: number;
  seconds: number;
}

interface SeriesOptions {
  kills: number;
  rate: number;
  control: boolean;
  /** Stop after the first restart that finds a loss (the control only needs to show one). */
  stopOnLoss: boolean;
  log(line: string): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = (min: number, max: number) => min + Math.random() * (max - min);

async function freshDataDir(): Promise<{ dir: string; databaseFile: string; surveyCode: string }> {
  const dir = tempDir('sipas-crash-');
  const config = testConfig(dir);
  const db = await openDatabase(config);
  const site = await aSite(db, systemClock);
  await db.close();
  return { dir, databaseFile: config.databaseFile, surveyCode: site.surveyCode };
}

export async function runCrashSeries(options: SeriesOptions): Promise<SeriesFigures> {
  const started = performance.now();
  const { dir, databaseFile, surveyCode } = await freshDataDir();
  const env: Record<string, string> = options.control ? { [CRASH_CONTROL_ENV]: CRASH_CONTROL_VALUE } : {};
  const sent = new Map<string, Answers>();
  const acknowledged = new Set<string>();
  const figures: SeriesFigures = {
    kills: 0,
    sent: 0,
    acknowledged: 0,
    stored: 0,
    missing: 0,
    partial: 0,
    rollupMismatches: 0,
    integrityFailures: 0,
    seconds: 0,
  };
  let server: ServerProcess = await (await loadServerProcess({ dataDir: dir, env })).start();
  // The next server loads its modules while this one runs, so a restart after the kill costs only
  // main(): opening the database (WAL recovery) and listening.
  let next: Promise<LoadedServerProcess> | undefined = loadServerProcess({ dataDir: dir, env });
  try {
    for (let kill = 1; kill <= options.kills; kill++) {
      // Ready before the load starts, so loading does not compete with the server under test for CPU.
      const loaded = await next!;
      // Few user agents, so the anti-abuse check flags some answers and rollups must leave them out.
      const load = new SubmissionLoad({ url: server.url, surveyCode, ratePerSecond: options.rate, maxInFlight: 64, userAgents: 3000 });
      load.start();
      await sleep(between(500, 2000));
      // Kill the moment a burst starts being answered: acknowledged answers are freshest then.
      await Promise.race([load.burst(100), sleep(3000)]);
      server.child.kill('SIGKILL');
      await server.exited;
      await load.stop();
      figures.kills++;
      for (const [id, answers] of load.sent) sent.set(id, answers);
      for (const id of load.acknowledged) acknowledged.add(id);

      server = await loaded.start();
      next = kill < options.kills ? loadServerProcess({ dataDir: dir, env }) : undefined;
      const check = await checkStoredResponses(databaseFile, { sent, acknowledged });
      figures.sent = sent.size;
      figures.acknowledged = acknowledged.size;
      figures.stored = check.responses;
      figures.missing = check.missing.length;
      figures.partial = Math.max(figures.partial, check.partial.length);
      figures.rollupMismatches += check.rollupMismatches;
      if (check.integrity.length > 0) figures.integrityFailures++;
      options.log(
        `${options.control ? 'control' : 'durable'} kill ${String(kill).padStart(2)}: acknowledged ${load.acknowledged.size} this run, ` +
          `${acknowledged.size} in all; stored ${check.responses}; missing ${check.missing.length}; partial ${check.partial.length}; ` +
          `rollup mismatches ${check.rollupMismatches}; integrity ${check.integrity.length === 0 ? 'ok' : check.integrity.join('; ')}`,
      );
      if (options.stopOnLoss && check.missing.length > 0) break;
    }
  } finally {
    await (await next)?.discard();
    server.child.kill('SIGKILL');
    await server.exited;
    rmSync(dir, { recursive: true, force: true });
  }
  figures.seconds = Math.round((performance.now() - started) / 100) / 10;
  return figures;
}

async function main(): Promise<void> {
  const { flags } = parseArgs(process.argv.slice(2));
  const kills = Number(flags.kills ?? 20);
  const controlKills = Number(flags['control-kills'] ?? 8);
  const rate = Number(flags.rate ?? 500);
  const log = (line: string) => process.stdout.write(`${line}\n`);

  const durable = await runCrashSeries({ kills, rate, control: false, stopOnLoss: false, log });
  const control = await runCrashSeries({ kills: controlKills, rate, control: true, stopOnLoss: true, log });

  const table = (name: string, f: SeriesFigures) =>
    `${name.padEnd(8)} kills ${f.kills}  sent ${f.sent}  acknowledged ${f.acknowledged}  stored ${f.stored}  missing ${f.missing}  ` +
    `partial ${f.partial}  rollup mismatches ${f.rollupMismatches}  integrity failures ${f.integrityFailures}  ${f.seconds} s`;
  log('');
  log(table('durable', durable));
  log(table('control', control));
  if (flags.json === true) log(JSON.stringify({ durable, control }));

  const failures: string[] = [];
  if (durable.kills !== kills) failures.push(`only ${durable.kills} of ${kills} kills ran`);
  if (durable.acknowledged === 0) failures.push('no submission was acknowledged: the load never reached the server');
  if (durable.missing > 0) failures.push(`${durable.missing} acknowledged responses are missing`);
  if (durable.partial > 0) failures.push(`${durable.partial} responses are half-written`);
  if (durable.rollupMismatches > 0) failures.push(`${durable.rollupMismatches} rollup rows differ from a rebuild`);
  if (durable.integrityFailures > 0) failures.push(`integrity_check failed after ${durable.integrityFailures} restarts`);
  if (control.missing === 0) failures.push('the control run (ack before commit, synchronous=OFF) lost nothing: the harness cannot detect a loss');
  if (failures.length > 0) {
    log(`FAIL: ${failures.join('; ')}`);
    process.exit(1);
  }
  log(`PASS: ${durable.kills} kills, 0 of ${durable.acknowledged} acknowledged responses missing; the control lost ${control.missing} after ${control.kills} kill(s)`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
