import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../server/clock.js';
import { signingKey } from '../server/integrity/signing.js';
import { silentLogger } from '../server/log.js';
import { openDatabase } from '../server/main.js';
import { seedReference, seedResponses } from '../server/seed/demo.js';
import { tempDir, testConfig } from '../server/testing/harness.js';

/**
 * `npm run audit:verify` and `npm run export:verify` as an operator runs them, in child processes on
 * a real DATA_DIR: an untouched database passes; one answer's value edited in the database file with
 * plain SQL fails and is named; an export and its manifest pass, and fail once a byte of the file is
 * changed.
 */

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
const tsx = path.join(root, 'node_modules/.bin/tsx');
/** Each command starts its own tsx (a few seconds idle, up to half a minute beside other test files on two cores). */
const CLI_TEST_TIMEOUT_MS = 240_000;

let dir: string;
let outDir: string;
let secret: string;

beforeAll(async () => {
  dir = tempDir('sipas-verify-cli-');
  outDir = tempDir('sipas-verify-out-');
  const config = testConfig(dir);
  secret = config.serverSecret;
  const db = await openDatabase(config);
  const deps = { db, config, clock: systemClock, logger: silentLogger };
  // Two chunks: the chain has more than one link.
  await seedResponses(deps, await seedReference(deps), { count: 1200, seed: 5, chunk: 700 });
  await db.close();
}, 60_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
});

const env = () => ({ ...process.env, DATA_DIR: dir, LOG_REQUESTS: 'false' });

async function cli(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(tsx, [path.join(root, 'scripts', script), ...args], { cwd: root, env: env() });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('npm run audit:verify', () => {
  it('passes an untouched database, fails one whose answer was edited with plain SQL and names the answer', async () => {
    const clean = await cli('audit-verify.ts', []);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/^verified: \d+ answers in \d+ links, head \d+:[0-9a-f]{64}/);

    const file = testConfig(dir).databaseFile;
    const sqlite = new Database(file);
    const victim = sqlite.prepare('select id, answers from responses order by submitted_at limit 1 offset 500').get() as { id: string; answers: string };
    const answers = JSON.parse(victim.answers) as Record<string, number | null>;
    // One value changed, to another valid score.
    sqlite.prepare('update responses set answers = ? where id = ?').run(JSON.stringify({ ...answers, 'QUAY.ALL': ((answers['QUAY.ALL'] ?? 1) % 5) + 1 }), victim.id);
    sqlite.close();

    const broken = await cli('audit-verify.ts', []);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`answer ${victim.id}`);
    expect(broken.stderr).toMatch(/^BROKEN: .*edited/);

    const restore = new Database(file);
    restore.prepare('update responses set answers = ? where id = ?').run(victim.answers, victim.id);
    restore.close();
    expect((await cli('audit-verify.ts', [])).code).toBe(0);
  }, CLI_TEST_TIMEOUT_MS);
});

describe('npm run export:verify', () => {
  it('passes an export with its manifest (the server key, or the public key as a file), fails when a byte of the file changes', async () => {
    const out = path.join(outDir, 'tong-hop.xlsx');
    const exported = await cli('export.ts', ['summary', '--out', out]);
    expect(exported.code, exported.stderr).toBe(0);
    const manifest = `${out}.manifest.json`;
    expect(JSON.parse(readFileSync(manifest, 'utf8'))).toMatchObject({ kind: 'summary', file: { name: expect.stringMatching(/^sipas-tong-hop_/) } });

    const ok = await cli('export-verify.ts', [out, manifest]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^verified: .*tong-hop\.xlsx is sipas-tong-hop_.*\(summary\)/);
    const pem = path.join(outDir, 'key.pem');
    writeFileSync(pem, signingKey(secret).publicKeyPem);
    expect((await cli('export-verify.ts', [out, manifest, '--key', pem])).code).toBe(0);

    const bytes = readFileSync(out);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    const changed = path.join(outDir, 'changed.xlsx');
    writeFileSync(changed, bytes);
    const bad = await cli('export-verify.ts', [changed, manifest]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^NOT VERIFIED/);
    expect(bad.stderr).toContain('SHA-256');

    // The manifest names the chain's head: the stored answers still pass through it.
    expect((await cli('audit-verify.ts', ['--manifest', manifest])).stdout).toContain('passes through link');
  }, CLI_TEST_TIMEOUT_MS);
});
