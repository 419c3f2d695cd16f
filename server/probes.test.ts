import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorBody } from '../schema/errors.js';
import { createApp } from './app.js';
import { fixedClock } from './clock.js';
import { ConfigError, type Config } from './config.js';
import { openSqlite, type AppDatabase } from './db/database.js';
import { MIGRATIONS, migrate } from './db/migrate.js';
import { backupFileName, startBackupSchedule, type Timers } from './durability/scheduler.js';
import { silentLogger } from './log.js';
import { startServer, type RunningServer } from './main.js';
import { createReadiness, type Readiness } from './readiness.js';
import { aResponse, aSite, type TestSite } from './testing/builders.js';
import { makeTestApp, tempDir, testConfig } from './testing/harness.js';
import { parsePrometheusText, sampleValue } from './testing/prometheus.js';

/** GET /readyz and GET /metrics on a real SQLite file: the readiness checks and the Prometheus figures. */

const TOKEN = 'metrics-token-for-the-test-0123456789';
/** Backups in these tests run only when a test says so. */
const noTimers: Timers = { set: () => undefined, clear: () => {} };

let dir: string;
let db: AppDatabase;
let site: TestSite;
const clock = fixedClock('2026-11-20T03:00:00Z');

beforeEach(() => {
  clock.set('2026-11-20T03:00:00Z');
  dir = tempDir('sipas-probes-');
  db = openSqlite(path.join(dir, 'sipas.sqlite'));
});
afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function migrated(): Promise<void> {
  await migrate(db);
  site = await aSite(db, clock);
}

function appWith(readiness: Readiness, config: Config = testConfig(dir)) {
  return createApp({ db, config, clock, logger: silentLogger, ui: {}, readiness });
}

async function notReady(res: Response): Promise<string[]> {
  expect(res.status).toBe(503);
  const body = ErrorBody.parse(await res.json());
  expect(body.error.code).toBe('not_ready');
  return (body.error.issues ?? []).map((i) => String(i.path[0]));
}

describe('GET /readyz', () => {
  it('answers 503 until the start-up work is done, while /healthz already answers ok', async () => {
    await migrated();
    const readiness = createReadiness({ db, holdUntilStarted: true, writeProbeEveryMs: 0 });
    const app = appWith(readiness);
    expect((await app.request('/healthz')).status).toBe(200);
    expect(await notReady(await app.request('/readyz'))).toEqual(['startup']);
    readiness.markStarted();
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('while start-up work holds the write lock, answers at once without waiting to probe it', async () => {
    await migrated();
    const app = appWith(createReadiness({ db, holdUntilStarted: true, writeProbeEveryMs: 0 }));
    // The demo seed writes from its own process in long transactions.
    const seed = new BetterSqlite3(path.join(dir, 'sipas.sqlite'));
    try {
      seed.exec('BEGIN IMMEDIATE');
      const asked = performance.now();
      expect(await notReady(await app.request('/readyz'))).toEqual(['startup']);
      expect(performance.now() - asked).toBeLessThan(1000);
      seed.exec('ROLLBACK');
    } finally {
      seed.close();
    }
  });

  it('is ready on a migrated database of the engine under test (SQLite, or PostgreSQL under test:pg)', async () => {
    const t = await makeTestApp();
    try {
      const res = await t.app.request('/readyz');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ready' });
    } finally {
      await t.cleanup();
    }
  });

  it('is not ready while the database takes no writes, and ready again once it does', async () => {
    await migrated();
    const app = appWith(createReadiness({ db, writeProbeEveryMs: 0 }));
    expect((await app.request('/readyz')).status).toBe(200);
    db.sqlite!.pragma('query_only = ON');
    expect(await notReady(await app.request('/readyz'))).toEqual(['database']);
    // Reads still work: the process is alive, it just should not get submissions.
    expect((await app.request('/healthz')).status).toBe(200);
    db.sqlite!.pragma('query_only = OFF');
    expect((await app.request('/readyz')).status).toBe(200);
  });

  it('probes with a real committed write, at most once per interval however often it is asked', async () => {
    await migrated();
    // data_version, read on another connection, changes only when someone else commits a write.
    const other = new BetterSqlite3(path.join(dir, 'sipas.sqlite'));
    try {
      const version = () => other.pragma('data_version', { simple: true });
      const app = appWith(createReadiness({ db, writeProbeEveryMs: 60_000 }));
      const before = version();
      expect((await app.request('/readyz')).status).toBe(200);
      const probed = version();
      expect(probed).not.toBe(before);
      for (let i = 0; i < 5; i++) expect((await app.request('/readyz')).status).toBe(200);
      expect(version()).toBe(probed);
    } finally {
      other.close();
    }
  });

  it('is not ready while a migration is pending', async () => {
    await migrate(db, MIGRATIONS.slice(0, -1));
    const app = appWith(createReadiness({ db, writeProbeEveryMs: 0 }));
    const issues = await notReady(await app.request('/readyz'));
    expect(issues).toEqual(['migrations']);
    await migrate(db);
    expect((await app.request('/readyz')).status).toBe(200);
  });

  it('is not ready after a failed scheduled backup, and ready after the next good one', async () => {
    await migrated();
    const backupDir = path.join(dir, 'backups');
    const backups = startBackupSchedule({ db, backupDir, keep: 3, clock, logger: silentLogger, timers: noTimers });
    const app = appWith(createReadiness({ db, backups, writeProbeEveryMs: 0 }));
    expect((await app.request('/readyz')).status).toBe(200);
    // The file for this moment is taken, so this backup fails.
    mkdirSync(backupDir, { recursive: true });
    writeFileSync(path.join(backupDir, backupFileName(clock.now())), 'x');
    await expect(backups.runNow()).rejects.toThrow();
    expect(await notReady(await app.request('/readyz'))).toEqual(['backup']);
    clock.advance(1000);
    await backups.runNow();
    expect((await app.request('/readyz')).status).toBe(200);
    await backups.stop();
  });
});

describe('GET /metrics', () => {
  let running: RunningServer | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  async function serve(env: Record<string, string>): Promise<RunningServer> {
    await migrated();
    running = await startServer(testConfig(dir, { PORT: '0', DEVICE_LIMIT_PER_HOUR: '1000', ...env }), db, { clock, logger: silentLogger, backupTimers: noTimers });
    return running;
  }

  const scrape = (server: RunningServer, authorization?: string) =>
    fetch(`${server.url}/metrics`, { headers: authorization ? { authorization } : {} });

  it('does not exist without METRICS_TOKEN', async () => {
    const server = await serve({});
    expect(server.metrics).toBeUndefined();
    const res = await scrape(server, `Bearer ${TOKEN}`);
    expect(res.status).toBe(404);
    ErrorBody.parse(await res.json());
  });

  it('refuses a token shorter than 16 characters at start-up, naming the variable', () => {
    expect(() => testConfig(dir, { METRICS_TOKEN: 'short' })).toThrow(ConfigError);
    expect(() => testConfig(dir, { METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
  });

  it('answers 401 with the error shape without the right bearer token', async () => {
    const server = await serve({ METRICS_TOKEN: TOKEN });
    for (const authorization of [undefined, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${TOKEN}`, TOKEN]) {
      const res = await scrape(server, authorization);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(ErrorBody.parse(await res.json()).error.code).toBe('unauthenticated');
    }
  });

  it('exposes valid Prometheus text whose intake counter rises by exactly the submissions made, with no codes in labels', async () => {
    const server = await serve({ METRICS_TOKEN: TOKEN });
    const read = async () => {
      const res = await scrape(server, `Bearer ${TOKEN}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      return { text, families: parsePrometheusText(text) };
    };
    const before = await read();
    const accepted = (m: typeof before) => sampleValue(m.families, 'sipas_intake_submissions_total', { outcome: 'accepted' });
    expect(accepted(before)).toBe(0);

    const ids = Array.from({ length: 37 }, () => randomUUID());
    const post = (id: string) =>
      fetch(`${server.url}/api/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(aResponse(site.surveyCode, { id })),
      });
    for (const res of await Promise.all(ids.map(post))) expect(res.status).toBe(201);
    expect((await post(ids[0]!)).status).toBe(200); // the same answer again: a duplicate
    expect((await fetch(`${server.url}/api/survey/${site.surveyCode}`)).status).toBe(200);
    // The survey page's route (200 with the UI built, 503 without): its path holds the code too.
    expect([200, 503]).toContain((await fetch(`${server.url}/s/${site.surveyCode}`)).status);

    const after = await read();
    expect(accepted(after)).toBe(37);
    expect(sampleValue(after.families, 'sipas_intake_submissions_total', { outcome: 'duplicate' })).toBe(1);
    expect(sampleValue(after.families, 'sipas_intake_batch_size_sum')).toBe(38);
    expect(sampleValue(after.families, 'sipas_intake_commit_duration_seconds_count')).toBe(sampleValue(after.families, 'sipas_intake_batch_size_count'));
    expect(sampleValue(after.families, 'sipas_intake_queue_depth')).toBe(0);
    const requests = (route: string, status: string, method = 'POST') =>
      sampleValue(after.families, 'sipas_http_request_duration_seconds_count', { method, route, status });
    expect(requests('/api/responses', '201')).toBe(37);
    expect(requests('/api/responses', '200')).toBe(1);
    expect(requests('/api/survey/:code', '200', 'GET')).toBe(1);
    expect(requests('/metrics', '200', 'GET')).toBe(1);
    expect(after.families.get('process_resident_memory_bytes')?.type).toBe('gauge');
    // Route patterns only: the survey code and the submitted ids appear nowhere.
    expect(after.text).not.toContain(site.surveyCode);
    expect(after.text).not.toContain(ids[0]!);
  });

  it('reports the age and result of the latest backup', async () => {
    const server = await serve({ METRICS_TOKEN: TOKEN });
    const read = async () => parsePrometheusText(await (await scrape(server, `Bearer ${TOKEN}`)).text());
    const none = await read();
    expect(sampleValue(none, 'sipas_backup_last_success_timestamp_seconds')).toBe(0);
    expect(sampleValue(none, 'sipas_backup_last_success_age_seconds')).toBe(Infinity);
    expect(sampleValue(none, 'sipas_backup_last_run_failed')).toBe(0);

    await server.backups!.runNow();
    clock.advance(90_000);
    const done = await read();
    expect(sampleValue(done, 'sipas_backup_last_success_timestamp_seconds')).toBe(Date.parse('2026-11-20T03:00:00Z') / 1000);
    expect(sampleValue(done, 'sipas_backup_last_success_age_seconds')).toBe(90);
    expect(sampleValue(done, 'sipas_backup_last_run_failed')).toBe(0);
    expect(sampleValue(done, 'sipas_backup_last_run_duration_seconds')).toBeGreaterThan(0);

    // The next file name is taken: this run fails.
    writeFileSync(path.join(server.config.backupDir, backupFileName(clock.now())), 'x');
    await expect(server.backups!.runNow()).rejects.toThrow();
    expect(sampleValue(await read(), 'sipas_backup_last_run_failed')).toBe(1);
  });
});

describe('the Prometheus text parser used above', () => {
  it('accepts a well-formed exposition and rejects each kind of malformed one', () => {
    const good = [
      '# HELP a_total Things.',
      '# TYPE a_total counter',
      'a_total{x="1",y="q\\"uote\\\\ \\n"} 3',
      '# TYPE h histogram',
      'h_bucket{le="1"} 1',
      'h_bucket{le="+Inf"} 2',
      'h_sum 3.5',
      'h_count 2',
      '',
    ].join('\n');
    expect(sampleValue(parsePrometheusText(good), 'a_total', { x: '1', y: 'q"uote\\ \n' })).toBe(3);
    const bad = [
      'a_total 1', // no trailing newline
      '1abc 1\n',
      'a{x=1} 1\n',
      'a{x="1"} one\n',
      'a 1\na 2\n',
      '# TYPE a counter\na -1\n',
      '# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n',
      '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n',
      '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n',
      '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n',
      'a{x="1",x="2"} 1\n',
      'a{x="\\t"} 1\n',
    ];
    for (const text of bad) expect(() => parsePrometheusText(text), JSON.stringify(text)).toThrow();
  });
});
