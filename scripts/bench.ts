import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { systemClock } from '../server/clock.js';
import type { AppDatabase } from '../server/db/database.js';
import { silentLogger } from '../server/log.js';
import { LOW_COMMENT_DELAY_MS } from '../server/alerts/index.js';
import { BENCH_CONTROL_NO_ALERTS, BENCH_CONTROL_UNCHAINED, openDatabase } from '../server/main.js';
import { seedDemo } from '../server/seed/index.js';
import { freePort } from '../server/testing/ports.js';
import { tempDir, testConfig } from '../server/testing/harness.js';
import { createTestDatabase, startTestPostgres } from '../server/testing/postgres.js';
import { fail, parseArgs } from './cli.js';
import { benchDashboard } from './bench/dashboard.js';
import { benchRawExport } from './bench/raw-export.js';
import { benchExportUnderLoad } from './bench/export-under-load.js';
import { checkOutRevision, seedWithTree, storedCounts, type Tree } from './bench/against.js';
import { timeOrderedUuid } from '../survey-ui/src/storage.js';

/**
 * `npm run bench [-- --json] [--seconds N] [--pg [postgres://…]] [--against REV[,REV…] [--rounds N]]`:
 * every figure is reported with a baseline measured in the same run and their ratio, because these
 * shared 2-core machines drift from run to run. `--pg` also times the app's submissions on PostgreSQL
 * against the same on SQLite: in a database it creates and drops on the server of the URL given, or on
 * a throwaway server without one.
 */
const { flags } = parseArgs(process.argv.slice(2));
const asJson = flags.json === true;
const seconds = Number(flags.seconds ?? 10);
const root = path.resolve(import.meta.dirname, '..');

interface Measurement {
  name: string;
  value: number;
  unit: string;
  baseline: number | null;
  ratio: number | null;
}

const results: Measurement[] = [];
function report(name: string, value: number, unit: string, baseline: number | null = null) {
  const m: Measurement = {
    name,
    value: Math.round(value * 100) / 100,
    unit,
    baseline: baseline === null ? null : Math.round(baseline * 100) / 100,
    ratio: baseline ? Math.round((value / baseline) * 1000) / 1000 : null,
  };
  results.push(m);
  process.stdout.write(
    asJson
      ? `${JSON.stringify(m)}\n`
      : `${name.padEnd(40)} ${String(m.value).padStart(10)} ${unit.padEnd(6)}${m.baseline === null ? '' : `  baseline ${m.baseline}  ratio ${m.ratio}`}\n`,
  );
}

async function startChild(args: string[], env: Record<string, string> = {}, cwd = root): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`)));
    child.stdout!.on('data', (d: Buffer) => {
      if (/ready|"event":"listening"|Listening/.test(d.toString())) resolve();
    });
  });
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function load(options: autocannon.Options): Promise<autocannon.Result> {
  return autocannon({ connections: 64, duration: seconds, ...options });
}

async function waitHealthy(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not become healthy');
}

/** Bare node:http vs Hono on one trivial route. */
async function benchFrameworkOverhead() {
  const barePort = await freePort();
  const bare = await startChild(['scripts/bench/baseline-servers.ts', 'bare', String(barePort)]);
  const bareResult = await load({ url: `http://127.0.0.1:${barePort}/` });
  await stopChild(bare);
  const honoPort = await freePort();
  const hono = await startChild(['scripts/bench/hono-trivial.ts', String(honoPort)]);
  const honoResult = await load({ url: `http://127.0.0.1:${honoPort}/` });
  await stopChild(hono);
  report('trivial_route_bare_http', bareResult.requests.average, 'req/s');
  report('trivial_route_hono', honoResult.requests.average, 'req/s', bareResult.requests.average);
}

const uniformScore = () => 1 + Math.floor(Math.random() * 5);

/** Mostly 4s and 5s, a 1 about 3% of the time: the shape of real answers, so alert rules fire as often as they would. */
function realisticScore(): number {
  const r = Math.random();
  return r < 0.03 ? 1 : r < 0.08 ? 2 : r < 0.2 ? 3 : r < 0.55 ? 4 : 5;
}

/**
 * One citizen's submission as the survey page sends it: answers vary, and each comes from its own
 * phone (its own device marker, user agent and address), so abuse checks and rollups do their real work.
 * The id is made as the page makes it (time-ordered); the baseline stores the same bodies.
 */
function submissionBody(code: string, score: () => number): string {
  return JSON.stringify({
    id: timeOrderedUuid(Date.now()),
    code,
    instrumentId: 'QUAY@1',
    answers: { 'QUAY.1': score(), 'QUAY.2': score(), 'QUAY.3': score(), 'QUAY.4': Math.random() < 0.2 ? null : score(), 'QUAY.ALL': score() },
    comment: Math.random() < 0.3 ? 'Cán bộ hướng dẫn tận tình' : undefined,
    lang: 'vi',
    kiosk: false,
    deviceMark: randomUUID(),
  });
}

const byte = () => Math.floor(Math.random() * 256);

/**
 * Each phone on its own network address too, in the benchmarking range 198.18.0.0/15, handed to the
 * app as the X-Forwarded-For of a trusted proxy (the load all comes from 127.0.0.1).
 */
function citizenRequest(code: string, score: () => number = uniformScore) {
  return (req: autocannon.Request) => ({
    ...req,
    headers: {
      ...req.headers,
      'user-agent': `Mozilla/5.0 (Linux; Android 10; SM-A${Math.floor(Math.random() * 1e6)})`,
      'x-forwarded-for': `198.${18 + Math.floor(Math.random() * 2)}.${byte()}.${byte()}`,
    },
    body: submissionBody(code, score),
  });
}

/**
 * A process's user + system CPU so far, in microseconds: fields 14 and 15 of /proc/<pid>/stat, in
 * clock ticks of 10 ms (Linux's USER_HZ is 100 on every architecture Node runs on).
 */
function cpuMicrosOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

interface AppRun {
  result: autocannon.Result;
  /** The app process's CPU while under load, per acknowledged submission. */
  cpuPerSubmissionUs: number;
  alertsRaised: number;
}

async function countAlerts(db: AppDatabase): Promise<number> {
  const row = await db.kysely.selectFrom('alerts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The app of `tree` (its server/main.ts as a child) on a seeded DATA_DIR under load: the load's
 * result and the server's CPU per acknowledged submission.
 */
async function underLoad(
  tree: string,
  dataDir: string,
  surveyCode: string,
  env: Record<string, string>,
  score: () => number,
): Promise<Omit<AppRun, 'alertsRaised'>> {
  const port = await freePort();
  const app = await startChild(['server/main.ts'], { ...env, DATA_DIR: dataDir, PORT: String(port), LOG_REQUESTS: 'false', TRUST_PROXY: 'true' }, tree);
  await waitHealthy(`http://127.0.0.1:${port}`);
  const cpuBefore = cpuMicrosOf(app.pid!);
  const result = await load({
    url: `http://127.0.0.1:${port}/api/responses`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: citizenRequest(surveyCode, score) }],
  });
  // What follows the last commits (alert rule (c), at most two delays after them) is part of their cost.
  await new Promise((resolve) => setTimeout(resolve, 3 * LOW_COMMENT_DELAY_MS));
  const cpuUsed = cpuMicrosOf(app.pid!) - cpuBefore;
  await stopChild(app);
  if (result.non2xx > 0) throw new Error(`${result.non2xx} non-2xx answers from the app${env.DATABASE_URL ? ' on PostgreSQL' : ''}`);
  return { result, cpuPerSubmissionUs: cpuUsed / result['2xx'] };
}

/** Every acknowledged submission must be stored, and none flagged suspect: a run that flagged them all would time a cheaper path. */
function checkStored(acknowledged: number, counts: { all: number; suspect: number }): void {
  if (counts.all < acknowledged || counts.suspect > 0) throw new Error(`${acknowledged} acknowledged, ${counts.all} stored, ${counts.suspect} flagged suspect`);
}

/** The real app on a fresh demo database under load; `env` picks the engine and the bench controls. */
async function loadApp(dir: string, env: { DATABASE_URL: string; BENCH_CONTROL?: string }, score: () => number = uniformScore): Promise<AppRun> {
  const config = testConfig(dir, env);
  const db = await openDatabase(config);
  const demo = await seedDemo({ db, config, clock: systemClock, logger: silentLogger }, { responses: 0, seed: 1 });
  // The demo's invited answers may raise an alert of their own, depending on today's date.
  const alertsSeeded = await countAlerts(db);
  await db.close();
  const run = await underLoad(root, config.dataDir, demo.surveyCode, env, score);
  const stored = await openDatabase(config);
  const counts = await stored.kysely
    .selectFrom('responses')
    .select((eb) => [eb.fn.countAll<number>().as('all'), eb.fn.sum<number>('suspect').as('suspect')])
    .executeTakeFirstOrThrow();
  const alertsRaised = (await countAlerts(stored)) - alertsSeeded;
  await stored.close();
  checkStored(run.result['2xx'], { all: Number(counts.all), suspect: Number(counts.suspect) });
  return { ...run, alertsRaised };
}

/** The app on PostgreSQL (a database of its own on `server`, or on a throwaway server), after the SQLite run. */
async function loadAppOnPostgres(dir: string, server: string | true): Promise<AppRun> {
  if (server === true) {
    const throwaway = await startTestPostgres();
    try {
      return await loadAppOnPostgres(dir, throwaway.adminUrl);
    } finally {
      await throwaway.stop();
    }
  }
  const database = await createTestDatabase(server);
  try {
    return await loadApp(path.join(dir, 'app-pg'), { DATABASE_URL: database.url });
  } finally {
    await database.drop();
  }
}

/** The raw baseline under the same load: one better-sqlite3 insert transaction per request, into `file`. */
async function loadRawBaseline(file: string): Promise<autocannon.Result> {
  const port = await freePort();
  const baseline = await startChild(['scripts/bench/baseline-servers.ts', 'insert', String(port), file]);
  const result = await load({
    url: `http://127.0.0.1:${port}/`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: citizenRequest('x') }],
  });
  await stopChild(baseline);
  if (result.non2xx > 0) throw new Error(`${result.non2xx} non-2xx answers from the baseline`);
  return result;
}

/**
 * The real app's durable intake vs one raw insert transaction per request, both at synchronous=FULL;
 * with `--pg`, the app on PostgreSQL (durable commits too) against the app on SQLite.
 */
async function benchSubmissions(postgres: string | true | undefined) {
  const dir = tempDir('sipas-bench-');
  try {
    const baselineResult = await loadRawBaseline(path.join(dir, 'baseline.sqlite'));
    // An empty DATABASE_URL is no value: SQLite, whatever this shell exports.
    const appResult = (await loadApp(path.join(dir, 'app'), { DATABASE_URL: '' })).result;
    // What the answer chain costs the intake: the same app with answers stored outside it, runs
    // alternating with the chained ones (chained, unchained, chained, unchained), so drift on a
    // shared machine falls on both sides. Alert rules are off on both sides: rule (c) reads the chain,
    // so it would work on the chained side only (its cost is timed apart, below).
    const chained: AppRun[] = [];
    const unchained: AppRun[] = [];
    for (let round = 0; round < 2; round++) {
      chained.push(await loadApp(path.join(dir, `app-chained-${round}`), { DATABASE_URL: '', BENCH_CONTROL: BENCH_CONTROL_NO_ALERTS }));
      unchained.push(await loadApp(path.join(dir, `app-unchained-${round}`), { DATABASE_URL: '', BENCH_CONTROL: `${BENCH_CONTROL_UNCHAINED},${BENCH_CONTROL_NO_ALERTS}` }));
    }
    const mean = (runs: AppRun[], pick: (r: AppRun) => number) => runs.reduce((sum, r) => sum + pick(r), 0) / runs.length;
    const pgResult = postgres === undefined ? undefined : (await loadAppOnPostgres(dir, postgres)).result;
    report('submit_raw_insert_baseline', baselineResult.requests.average, 'req/s');
    report('submit_app_group_commit', appResult.requests.average, 'req/s', baselineResult.requests.average);
    report('submit_raw_insert_baseline_p99', baselineResult.latency.p99, 'ms');
    report('submit_app_group_commit_p99', appResult.latency.p99, 'ms', baselineResult.latency.p99);
    report('submit_app_unchained', mean(unchained, (r) => r.result.requests.average), 'req/s');
    report('submit_app_chained_vs_unchained', mean(chained, (r) => r.result.requests.average), 'req/s', mean(unchained, (r) => r.result.requests.average));
    report('submit_app_chained_vs_unchained_p99', mean(chained, (r) => r.result.latency.p99), 'ms', mean(unchained, (r) => r.result.latency.p99));
    // The server's CPU per submission drifts less than throughput on a shared machine: the chain's
    // cost as the unchained CPU over the chained (≥ 0.9 is the throughput ratio's bar, in CPU).
    report('submit_cpu_chained', mean(chained, (r) => r.cpuPerSubmissionUs), 'us');
    report('submit_cpu_unchained_vs_chained', mean(unchained, (r) => r.cpuPerSubmissionUs), 'us', mean(chained, (r) => r.cpuPerSubmissionUs));
    if (pgResult) {
      report('submit_app_group_commit_pg', pgResult.requests.average, 'req/s', appResult.requests.average);
      report('submit_app_group_commit_pg_p99', pgResult.latency.p99, 'ms', appResult.latency.p99);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What the alert rules cost the intake: the app process's CPU per submission under load with the
 * rules and without them (the control run), in alternating runs (with, without, with, without) so
 * drift falls on both sides. Answers have the shape of real ones (a 1 about 3% of the time, a
 * comment 30%), so rule (c) raises alerts and opens cases as often as it would in an office.
 * `--alert-cost` times only this.
 */
async function benchAlertRules() {
  const dir = tempDir('sipas-bench-alerts-');
  try {
    const runs: Record<'with' | 'without', AppRun[]> = { with: [], without: [] };
    for (let round = 0; round < 2; round++) {
      runs.with.push(await loadApp(path.join(dir, `with-${round}`), { DATABASE_URL: '' }, realisticScore));
      runs.without.push(await loadApp(path.join(dir, `without-${round}`), { DATABASE_URL: '', BENCH_CONTROL: BENCH_CONTROL_NO_ALERTS }, realisticScore));
    }
    const submissions = (side: AppRun[]) => side.reduce((sum, r) => sum + r.result['2xx'], 0);
    const cpuPerSubmission = (side: AppRun[]) => side.reduce((sum, r) => sum + r.cpuPerSubmissionUs * r.result['2xx'], 0) / submissions(side);
    const raised = runs.with.reduce((sum, r) => sum + r.alertsRaised, 0);
    if (raised === 0 || runs.without.some((r) => r.alertsRaised > 0)) throw new Error(`alert rules raised ${raised} alerts with the rules; the control run must raise none and the rules some`);
    if (!asJson) process.stdout.write(`alert rules: ${submissions(runs.with)} submissions with the rules, ${raised} alerts raised (an answer of 1 with a comment)\n`);
    report('submit_cpu_without_alert_rules', cpuPerSubmission(runs.without), 'us');
    report('submit_cpu_with_alert_rules', cpuPerSubmission(runs.with), 'us', cpuPerSubmission(runs.without));
    const p99 = (side: AppRun[]) => side.reduce((sum, r) => sum + r.result.latency.p99, 0) / side.length;
    report('submit_p99_without_alert_rules', p99(runs.without), 'ms');
    report('submit_p99_with_alert_rules', p99(runs.with), 'ms', p99(runs.without));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * `--against REV[,REV…] [--rounds N]`: the intake of earlier revisions next to the working tree's.
 * Each round times the raw baseline, then every tree in an order that rotates from round to round,
 * so drift falls on every side; each tree seeds and serves with its own code (scripts/bench/against.ts).
 * Reported: the medians over the rounds (5 unless told) of each tree's throughput over its round's
 * baseline and of its server's CPU per submission, the working tree's against the first revision's.
 */
async function benchAgainst(revs: string[], rounds: number) {
  const working: Tree = { name: 'working_tree', root, remove: () => {} };
  const dir = tempDir('sipas-bench-against-');
  const trees = [working];
  const ratios = new Map<string, number[]>();
  const cpu = new Map<string, number[]>();
  const add = (figures: Map<string, number[]>, name: string, value: number) => figures.set(name, [...(figures.get(name) ?? []), value]);
  try {
    for (const rev of revs) trees.push(checkOutRevision(root, rev));
    for (let round = 0; round < rounds; round++) {
      const baseline = await loadRawBaseline(path.join(dir, `baseline-${round}.sqlite`));
      for (let k = 0; k < trees.length; k++) {
        const tree = trees[(k + round) % trees.length]!;
        const seeded = seedWithTree(tree.root, path.join(dir, `${round}-${k}`));
        const run = await underLoad(tree.root, seeded.dataDir, seeded.surveyCode, { DATABASE_URL: '' }, uniformScore);
        checkStored(run.result['2xx'], storedCounts(seeded.databaseFile));
        add(ratios, tree.name, run.result.requests.average / baseline.requests.average);
        add(cpu, tree.name, run.cpuPerSubmissionUs);
      }
    }
  } finally {
    for (const tree of trees) tree.remove();
    rmSync(dir, { recursive: true, force: true });
  }
  const label = (name: string) => name.replace(/\W/g, '_');
  for (const rev of revs) {
    report(`submit_ratio_at_${label(rev)}`, median(ratios.get(rev)!), 'x');
    report(`submit_cpu_at_${label(rev)}`, median(cpu.get(rev)!), 'us');
  }
  report('submit_ratio_working_tree', median(ratios.get(working.name)!), 'x', median(ratios.get(revs[0]!)!));
  report('submit_cpu_working_tree', median(cpu.get(working.name)!), 'us', median(cpu.get(revs[0]!)!));
}

if (typeof flags.against === 'string') await benchAgainst(flags.against.split(','), Number(flags.rounds ?? 5));

if (flags['alert-cost'] === true) await benchAlertRules();

// Given a database to time (--dashboard-db, --export-db) or a single question (--alert-cost, --against), the run times only that.
if (flags['dashboard-db'] === undefined && flags['export-db'] === undefined && flags['alert-cost'] === undefined && flags.against === undefined) {
  const pg = flags.pg;
  if (typeof pg === 'string' && !/^postgres(ql)?:\/\//.test(pg)) fail('--pg takes a postgres:// URL, or nothing for a throwaway server');
  await benchFrameworkOverhead();
  await benchSubmissions(pg);
  await benchAlertRules();
}

/**
 * `--dashboard-db <file|postgres://…>`: the dashboard budgets (one centre's quarter overview; the
 * province's ranking over a year) on a database seeded with `npm run db:seed -- --responses N` (with
 * DATABASE_URL for PostgreSQL), against a `select 1`. PostgreSQL's figures are named with `_pg`.
 */
async function benchDashboardTimings(target: string) {
  const r = await benchDashboard(target);
  const pg = r.engine === 'postgres' ? '_pg' : '';
  if (!asJson) process.stdout.write(`dashboard (${r.engine}): ${r.responses} responses; centre ${r.centre}, ${r.quarter}; ranking ${r.yearFrom}..${r.yearTo}\n`);
  report(`dashboard_select1_baseline${pg}`, r.selectOne.median * 1000, 'us');
  report(`dashboard_overview_centre_quarter${pg}`, r.overview.median * 1000, 'us', r.selectOne.median * 1000);
  report(`dashboard_overview_centre_quarter${pg}_p95`, r.overview.p95 * 1000, 'us', r.selectOne.median * 1000);
  report(`dashboard_ranking_province_year${pg}`, r.ranking.median * 1000, 'us', r.selectOne.median * 1000);
  report(`dashboard_ranking_province_year${pg}_p95`, r.ranking.p95 * 1000, 'us', r.selectOne.median * 1000);
}

if (typeof flags['dashboard-db'] === 'string') await benchDashboardTimings(flags['dashboard-db']);

/**
 * `--export-db <file>`: the raw CSV export of the last year's responses from a database seeded with
 * `npm run db:seed -- --responses N`, in a child process (its peak RSS is the export's), against a
 * bare better-sqlite3 scan of the same rows timed in that child; then the p99 of submissions and
 * /healthz on the real server while it streams that export, against the same load without it.
 */
async function benchRawExportTimings(file: string) {
  const r = await benchRawExport(file);
  if (!asJson) process.stdout.write(`raw export: ${r.rows} rows (${r.from}..${r.to}), ${(r.bytes / 1e6).toFixed(1)} MB CSV\n`);
  report('export_raw_scan_baseline', r.baselineRows / r.baselineSeconds, 'rows/s');
  report('export_raw_csv', r.rows / r.seconds, 'rows/s', r.baselineRows / r.baselineSeconds);
  report('export_raw_csv_peak_rss', r.peakRssMb, 'MB', r.rssAtStartMb);
  report('export_raw_csv_peak_heap', r.peakHeapMb, 'MB');
  const u = await benchExportUnderLoad(file);
  if (!asJson) {
    process.stdout.write(`raw export over HTTP under a steady load: ${(u.exportedBytes / 1e6).toFixed(1)} MB in ${u.exportSeconds.toFixed(1)} s; ${u.during.submissions} submissions during it, ${u.without.submissions} in as long without\n`);
  }
  if (u.during.errors + u.without.errors > 0) throw new Error(`${u.during.errors + u.without.errors} failed submissions or probes`);
  report('submit_p99_without_export', u.without.submitP99, 'ms');
  report('submit_p99_during_export', u.during.submitP99, 'ms', u.without.submitP99);
  report('healthz_p99_without_export', u.without.healthP99, 'ms');
  report('healthz_p99_during_export', u.during.healthP99, 'ms', u.without.healthP99);
}

if (typeof flags['export-db'] === 'string') await benchRawExportTimings(flags['export-db']);
