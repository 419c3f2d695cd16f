import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { systemClock } from '../../server/clock.js';
import { createSession, sessionCookieName } from '../../server/auth/sessions.js';
import { newId } from '../../server/ids.js';
import { silentLogger } from '../../server/log.js';
import { openDatabase } from '../../server/main.js';
import { freePort } from '../../server/testing/ports.js';
import { tempDir, testConfig } from '../../server/testing/harness.js';

/**
 * Issue 21, acceptance 2: what a long raw export does to everyone else. The real server (a child
 * process) runs on a copy of a seeded database under a steady, unsaturated load of citizen
 * submissions and /healthz probes, once while a signed-in officer downloads the raw CSV of the last
 * year and once without it, for the same length of time. The two p99s are the figures; the load is
 * fixed-rate so a difference is the export's doing, not queueing.
 */
export interface ExportUnderLoad {
  exportedBytes: number;
  exportSeconds: number;
  during: { submitP99: number; healthP99: number; submissions: number; errors: number };
  without: { submitP99: number; healthP99: number; submissions: number; errors: number };
}

const SUBMISSIONS_PER_SECOND = 100;
/** The same load before either measurement, so both find the server past its first requests (caches and code warm). */
const WARM_UP_MS = 2000;
const PROBES_PER_SECOND = 20;

const root = path.resolve(import.meta.dirname, '../..');

async function startServer(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_REQUESTS: 'false', DATABASE_URL: '', TRUST_PROXY: 'true' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('server did not become healthy');
}

let sequence = 0;
function submission(code: string): string {
  const score = () => 1 + Math.floor(Math.random() * 5);
  sequence++;
  return JSON.stringify({
    id: crypto.randomUUID(),
    code,
    instrumentId: 'QUAY@1',
    answers: { 'QUAY.1': score(), 'QUAY.2': score(), 'QUAY.3': score(), 'QUAY.4': score(), 'QUAY.ALL': score() },
    lang: 'vi',
    deviceMark: `bench-${sequence}`,
  });
}

/** autocannon until stopped: its result arrives once `stop()` is called. */
function runUntilStopped(options: autocannon.Options): { stop(): void; result: Promise<autocannon.Result> } {
  let instance: autocannon.Instance | undefined;
  const result = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon({ ...options, duration: 3600 }, (err, r) => (err ? reject(err) : resolve(r)));
  });
  return { stop: () => instance!.stop(), result };
}

/** Fixed-rate submissions and probes until `until` settles; p99s in ms. */
async function steadyLoad(port: number, code: string, until: Promise<unknown>) {
  const base = `http://127.0.0.1:${port}`;
  const submit = runUntilStopped({
    url: `${base}/api/responses`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections: 10,
    overallRate: SUBMISSIONS_PER_SECOND,
    // Each citizen from an address of their own (through TRUST_PROXY), so the per-address limit flags none.
    requests: [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, 'x-forwarded-for': `10.${sequence % 250}.${(sequence >> 8) % 250}.${sequence % 249}` }, body: submission(code) }) }],
  });
  const probe = runUntilStopped({ url: `${base}/healthz`, connections: 2, overallRate: PROBES_PER_SECOND });
  try {
    await until;
  } finally {
    submit.stop();
    probe.stop();
  }
  const [s, h] = await Promise.all([submit.result, probe.result]);
  return { submitP99: s.latency.p99, healthP99: h.latency.p99, submissions: s['2xx'], errors: s.non2xx + s.errors + h.non2xx + h.errors };
}

export async function benchExportUnderLoad(file: string): Promise<ExportUnderLoad> {
  const dir = tempDir('sipas-bench-export-');
  try {
    const config = testConfig(dir);
    copyFileSync(path.resolve(file), config.databaseFile);
    const db = await openDatabase(config);
    const deps = { db, config, clock: systemClock, logger: silentLogger };
    const point = await db.kysely.selectFrom('survey_points').select('code').where('status', '=', 'open').where('instrument_id', '=', 'QUAY@1').orderBy('code').executeTakeFirstOrThrow();
    const latest = await db.kysely.selectFrom('responses').select((eb) => eb.fn.max('local_day').as('day')).executeTakeFirstOrThrow();
    const userId = newId();
    const now = new Date().toISOString();
    await db.write(async (tx) => {
      await tx.insertInto('users').values({ id: userId, username: `bench-${userId.slice(0, 6)}`, display_name: 'bench', password_hash: 'x', active: 1, created_at: now, password_changed_at: now }).execute();
      await tx.insertInto('role_grants').values({ id: newId(), user_id: userId, unit_id: null, role: 'system_admin', created_at: now }).execute();
    });
    const session = await createSession(deps, userId);
    await db.close();

    const port = await freePort();
    const server = await startServer(dir, port);
    try {
      const to = latest.day!;
      const from = `${Number(to.slice(0, 4)) - 1}${to.slice(4)}`;
      // The download runs in a process of its own (curl), so reading 300 MB does not delay the load
      // generator's clock. curl is started before the load and waits for its URL on stdin: starting a
      // process from this one holds its event loop for tens of milliseconds, which autocannon would
      // count as the server's latency.
      const curl = spawn('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code} %{size_download}', '-K', '-'], { stdio: ['pipe', 'pipe', 'inherit'] });
      const download = new Promise<number>((resolve, reject) => {
        let out = '';
        curl.stdout.on('data', (d: Buffer) => (out += d.toString()));
        curl.once('exit', () => {
          const [status, bytes] = out.split(' ');
          if (status === '200') resolve(Number(bytes));
          else reject(new Error(`export answered ${status}`));
        });
      });
      await steadyLoad(port, point.code, new Promise((r) => setTimeout(r, WARM_UP_MS)));
      const started = performance.now();
      curl.stdin.end(`cookie = "${sessionCookieName(config)}=${session.token}"\nurl = "http://127.0.0.1:${port}/api/admin/exports/raw?from=${from}&to=${to}&format=csv"\n`);
      const during = await steadyLoad(port, point.code, download);
      const exportSeconds = (performance.now() - started) / 1000;
      const without = await steadyLoad(port, point.code, new Promise((r) => setTimeout(r, exportSeconds * 1000)));
      return { exportedBytes: await download, exportSeconds, during, without };
    } finally {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
