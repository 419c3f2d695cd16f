import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { silentLogger } from '../log.js';
import { openDatabase, startServer } from '../main.js';
import { aSite } from '../testing/builders.js';
import { freePort } from '../testing/ports.js';
import { tempDir, testConfig } from '../testing/harness.js';
import { checkDatabaseFile } from './backup.js';
import { SubmissionLoad } from '../testing/load.js';
import { listBackups, type Timers } from './scheduler.js';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { checkStoredResponses } from '../testing/durability.js';

/**
 * The real server under load: SIGTERM loses nothing acknowledged, and backups taken while
 * submissions keep arriving (by `npm run db:backup` and by the server's daily schedule) restore
 * to complete, consistent databases.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function seededDataDir(): Promise<{ dir: string; databaseFile: string; surveyCode: string }> {
  const dir = tempDir('sipas-durability-');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const config = testConfig(dir);
  const db = await openDatabase(config);
  const site = await aSite(db, systemClock);
  await db.close();
  return { dir, databaseFile: config.databaseFile, surveyCode: site.surveyCode };
}

async function serverOn(dataDir: string): Promise<ServerProcess> {
  const server = await startServerProcess({ dataDir });
  cleanups.push(async () => {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    await server.exited;
  });
  return server;
}

/** Runs one of the package scripts (`tsx scripts/<name>.ts`) the way an operator would. */
function runScript(name: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', `${name}.ts`), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('durability under load (real server process)', () => {
  it('SIGTERM during load: the server drains, exits 0, and every acknowledged response is there after restart', async () => {
    const { dir, databaseFile, surveyCode } = await seededDataDir();
    const server = await serverOn(dir);
    const load = new SubmissionLoad({ url: server.url, surveyCode, ratePerSecond: 500, maxInFlight: 64 });
    load.start();
    await sleep(1500);
    const burstAcked = load.burst(100);
    await Promise.race([burstAcked, sleep(3000)]);
    const signalled = performance.now();
    server.child.kill('SIGTERM');
    const exit = await server.exited;
    const shutdownMs = performance.now() - signalled;
    await load.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    expect(load.acknowledged.size).toBeGreaterThan(100);

    const restarted = await serverOn(dir);
    const check = await checkStoredResponses(databaseFile, load);
    console.log(
      `SIGTERM: sent ${load.sent.size}, acknowledged ${load.acknowledged.size}, stored ${check.responses}, missing ${check.missing.length}, ` +
        `refused while stopping ${load.statuses.get(503) ?? 0}, cut ${load.failed}, shutdown ${Math.round(shutdownMs)} ms`,
    );
    expect(check.missing).toEqual([]);
    expect(check.partial).toEqual([]);
    expect(check.rollupMismatches).toBe(0);
    expect(check.integrity).toEqual([]);
    expect((await fetch(`${restarted.url}/healthz`)).ok).toBe(true);
  }, 120_000);

  it('db:backup during ~1,000 submissions/s gives a copy that db:restore refuses onto the live server and restores elsewhere, complete and consistent', async () => {
    const { dir, surveyCode } = await seededDataDir();
    const server = await serverOn(dir);
    const load = new SubmissionLoad({ url: server.url, surveyCode, ratePerSecond: 1000, maxInFlight: 96, userAgents: 5000 });
    load.start();
    await sleep(2000);

    const backupFile = path.join(tempDir('sipas-backups-'), 'live.sqlite');
    cleanups.push(() => rmSync(path.dirname(backupFile), { recursive: true, force: true }));
    const ackedBeforeBackup = new Set(load.acknowledged);
    const started = performance.now();
    const backup = await runScript('db-backup', [backupFile], { DATA_DIR: dir });
    const backupMs = performance.now() - started;
    const ackedDuringBackup = load.acknowledged.size - ackedBeforeBackup.size;
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/integrity_check ok/);

    const refused = await runScript('db-restore', [backupFile], { DATA_DIR: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/a server \(pid \d+\) is running/);

    await load.stop();
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
    const rate = Math.round(load.acknowledged.size / ((performance.now() - started + 2000) / 1000));

    const restoreDir = tempDir('sipas-restored-');
    cleanups.push(() => rmSync(restoreDir, { recursive: true, force: true }));
    const restore = await runScript('db-restore', [backupFile], { DATA_DIR: restoreDir });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    const restoredFile = path.join(restoreDir, 'sipas.sqlite');
    expect(checkDatabaseFile(restoredFile)).toEqual([]);
    // Everything acknowledged before the backup began is in it; every response in it is whole; its
    // rollups (the counts every score is computed from) equal a rebuild from its own responses.
    const check = await checkStoredResponses(restoredFile, { sent: load.sent, acknowledged: ackedBeforeBackup });
    console.log(
      `db:backup under load: ${rate} acknowledged/s overall, ${Math.round(ackedDuringBackup / (backupMs / 1000))}/s during the backup (${Math.round(backupMs)} ms incl. process start, ${ackedDuringBackup} acknowledged); ` +
        `backup holds ${check.responses} of ${load.acknowledged.size} acknowledged; missing ${check.missing.length}, partial ${check.partial.length}, rollup mismatches ${check.rollupMismatches}`,
    );
    expect(ackedDuringBackup).toBeGreaterThan(0);
    expect(check.responses).toBeGreaterThanOrEqual(ackedBeforeBackup.size);
    expect(check.missing).toEqual([]);
    expect(check.partial).toEqual([]);
    expect(check.rollupMismatches).toBe(0);

    const restored = await serverOn(restoreDir);
    expect((await fetch(`${restored.url}/api/survey/${surveyCode}`)).status).toBe(200);
  }, 180_000);

  it('the daily scheduled backup taken by the server under load is complete and consistent', async () => {
    const { dir, databaseFile, surveyCode } = await seededDataDir();
    const port = await freePort();
    const config = testConfig(dir, { PORT: String(port), DEVICE_LIMIT_PER_HOUR: '1000', TRUST_PROXY: 'true' });
    const pending: (() => void)[] = [];
    const timers: Timers = { set: (fn) => pending.push(fn), clear: () => pending.splice(0) };
    const running = await startServer(config, undefined, { logger: silentLogger, backupTimers: timers });
    cleanups.push(() => running.close());
    const load = new SubmissionLoad({ url: running.url, surveyCode, ratePerSecond: 500, maxInFlight: 32 });
    load.start();
    await sleep(1500);
    const ackedBeforeBackup = new Set(load.acknowledged);
    pending.shift()!();
    await running.backups!.idle();
    const ackedDuringBackup = load.acknowledged.size - ackedBeforeBackup.size;
    await load.stop();

    const [name] = listBackups(config.backupDir);
    expect(name).toBeDefined();
    const check = await checkStoredResponses(path.join(config.backupDir, name!), { sent: load.sent, acknowledged: ackedBeforeBackup });
    const live = await checkStoredResponses(databaseFile, load);
    console.log(
      `scheduled backup under load: ${check.responses} responses in the backup, ${ackedDuringBackup} acknowledged while it ran, ${live.responses} live at the end`,
    );
    expect(check.integrity).toEqual([]);
    expect(check.missing).toEqual([]);
    expect(check.partial).toEqual([]);
    expect(check.rollupMismatches).toBe(0);
    expect(check.responses).toBeLessThanOrEqual(live.responses);
    expect(live.missing).toEqual([]);
    expect(pending).toHaveLength(1);
  }, 120_000);
});
