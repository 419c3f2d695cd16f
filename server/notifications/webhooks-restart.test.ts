import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { openPostgres, openSqlite, type AppDatabase } from '../db/database.js';
import { openDatabase } from '../main.js';
import { aResponse, aSite, postJson } from '../testing/builders.js';
import { tempDir, testConfig } from '../testing/harness.js';
import { freePort } from '../testing/ports.js';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { startReceiver, type Receiver } from '../testing/webhook-receiver.js';
import { recordEvent } from './index.js';
import { webhookSecret } from './signing.js';

/**
 * Acceptance 2 of issue 18 on the real server process: with the receiver down for a while and the
 * server stopped by SIGTERM and killed with -9 (once while the receiver is down, once while it is
 * catching up), every event recorded is delivered at least once, signed, in order per subject.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A data directory with a site and a subscription to every event type; PostgreSQL under test:pg. */
async function setUp(receiverUrl: string) {
  const dir = tempDir('sipas-webhooks-');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const env: Record<string, string> = { WEBHOOK_RETRY_BASE_MS: '200', WEBHOOK_RETRY_MAX_MS: '1000', WEBHOOK_TIMEOUT_MS: '2000' };
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) {
    const { createTestDatabase } = await import('../testing/postgres.js');
    const created = await createTestDatabase(adminUrl);
    cleanups.push(() => created.drop());
    env.DATABASE_URL = created.url;
  }
  const config = testConfig(dir, env);
  const db: AppDatabase = await openDatabase(config);
  const site = await aSite(db, systemClock);
  const salt = 'restart-test-salt';
  await db.write((tx) =>
    tx
      .insertInto('webhook_subscriptions')
      .values({ id: 'sub1', url: receiverUrl, event_types: 'response.created,alert.opened,case.updated', secret_salt: salt, created_at: new Date().toISOString(), created_by: null, deleted_at: null })
      .execute(),
  );
  await db.close();
  return { dir, env, config, surveyCode: site.surveyCode, secret: webhookSecret(config.serverSecret, salt) };
}

describe('webhooks across restarts (real server process)', () => {
  it('receiver down, SIGTERM, kill -9 (twice): every event delivered at least once, in order per subject, none lost', async () => {
    const port = await freePort();
    const received: Receiver['received'] = [];
    let secret = '';
    let receiver: Receiver | undefined = await startReceiver(() => secret, { port, received });
    cleanups.push(() => receiver?.close());
    const setup = await setUp(`http://127.0.0.1:${port}/hook`);
    secret = setup.secret;

    const expected = new Set<string>();
    const caseCounters = new Map<string, number>();
    // case.updated events recorded by another writer on the same database (as the cases feature does in its transactions).
    const otherWriter = setup.config.databaseUrl ? openPostgres(setup.config.databaseUrl) : openSqlite(setup.config.databaseFile);
    cleanups.push(() => otherWriter.close());
    const recordCaseEvents = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const subject = `case:${['a', 'b', 'c'][i % 3]}`;
        const n = (caseCounters.get(subject) ?? 0) + 1;
        caseCounters.set(subject, n);
        await otherWriter.write((tx) => recordEvent(tx, { type: 'case.updated', subject, data: { n } }, new Date()));
        expected.add(`${subject}#${n}`);
      }
    };
    const submit = async (server: ServerProcess, count: number) => {
      for (let i = 0; i < count; i++) {
        const answer = aResponse(setup.surveyCode);
        const res = await fetch(`${server.url}${postJson('/api/responses', answer)[0]}`, postJson('/api/responses', answer)[1]);
        if (res.status === 201) expected.add(`response:${answer.id}#1`);
      }
    };
    const start = async () => {
      const server = await startServerProcess({ dataDir: setup.dir, env: setup.env });
      cleanups.push(async () => {
        if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
        await server.exited;
      });
      return server;
    };
    const keyOf = (r: Receiver['received'][number]) => (r.body.type === 'case.updated' ? `${r.body.subject}#${String(r.body.data.n)}` : `${r.body.subject}#1`);

    // 1. Receiver up.
    const first = await start();
    await submit(first, 30);
    await recordCaseEvents(12);
    while (received.length === 0) await sleep(100);
    await sleep(1000);
    const deliveredWhileUp = new Set(received.map(keyOf)).size;
    // 2. Receiver down; the server retries, then stops on SIGTERM.
    await receiver.close();
    receiver = undefined;
    await submit(first, 30);
    await recordCaseEvents(12);
    await sleep(1000);
    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    // 3. Receiver still down; a new server is killed with -9.
    const second = await start();
    await submit(second, 30);
    await recordCaseEvents(12);
    await sleep(800);
    second.child.kill('SIGKILL');
    await second.exited;
    // 4. Receiver back; the next server is killed with -9 while it catches up.
    receiver = await startReceiver(() => secret, { port, received });
    const third = await start();
    await sleep(300);
    third.child.kill('SIGKILL');
    await third.exited;
    const deliveredBeforeLastStart = new Set(received.map(keyOf)).size;
    // 5. The last server delivers the rest.
    const last = await start();
    const deadline = Date.now() + 60_000;
    while (new Set(received.map(keyOf)).size < expected.size && Date.now() < deadline) await sleep(200);
    await sleep(1500);
    last.child.kill('SIGTERM');
    expect((await last.exited).code).toBe(0);

    const keys = received.map(keyOf);
    const unique = new Set(keys);
    const lost = [...expected].filter((k) => !unique.has(k));
    const unexpected = [...unique].filter((k) => !expected.has(k));
    // Per subject, what arrived never goes back: a repeat is only ever of the latest one.
    const outOfOrder: string[] = [];
    for (const subject of caseCounters.keys()) {
      const ns = received.filter((r) => r.body.subject === subject).map((r) => Number(r.body.data.n));
      ns.forEach((n, i) => {
        if (i > 0 && n < ns[i - 1]!) outOfOrder.push(`${subject}: ${ns.join(',')}`);
      });
      expect([...new Set(ns)]).toEqual(Array.from({ length: caseCounters.get(subject)! }, (_, i) => i + 1));
    }
    const badSignatures = received.filter((r) => !r.signatureOk).length;
    console.log(
      `webhooks across restarts: ${expected.size} events recorded (${[...expected].filter((k) => k.startsWith('response:')).length} response.created, ` +
        `${[...expected].filter((k) => k.startsWith('case:')).length} case.updated on ${caseCounters.size} subjects); ${deliveredWhileUp} delivered before the receiver went down, ` +
        `${deliveredBeforeLastStart} before the last start; received ${keys.length} deliveries, ${unique.size} distinct, ${keys.length - unique.size} repeats; ` +
        `lost ${lost.length}, out of order ${outOfOrder.length}, bad signatures ${badSignatures}`,
    );
    expect(expected.size).toBe(90 + 36);
    expect(lost).toEqual([]);
    expect(unexpected).toEqual([]);
    expect(outOfOrder).toEqual([]);
    expect(badSignatures).toBe(0);
    expect(deliveredWhileUp).toBeGreaterThan(0);
  }, 180_000);
});
