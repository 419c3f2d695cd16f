import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { generatePassword } from '../auth/password.js';
import { systemClock } from '../clock.js';
import { silentLogger } from '../log.js';
import { startServer } from '../main.js';
import { seedDemo, type DemoSeedResult } from '../seed/index.js';
import { tempDir, testConfig } from './harness.js';
import { freePort } from './ports.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

function newestMtime(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs;
    }),
  );
}

/** The server serves dist/<ui>; rebuild that UI when its sources (or the schema it bundles) are newer, so browser tests check this code. */
export function ensureUiBuilt(ui: 'admin' | 'survey'): void {
  const built = path.join(ROOT, `dist/${ui}/index.html`);
  const sources = Math.max(newestMtime(path.join(ROOT, `${ui}-ui/src`)), statSync(path.join(ROOT, `${ui}-ui/index.html`)).mtimeMs, newestMtime(path.join(ROOT, 'schema')));
  if (!existsSync(built) || statSync(built).mtimeMs < sources) {
    execFileSync('npx', ['vite', 'build', '--config', `${ui}-ui/vite.config.ts`, '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  }
}

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless system Chromium with the flags this closed network needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface E2eServer {
  url: string;
  surveyCode: string;
  dbFile: string;
  demo: DemoSeedResult;
  stop(): Promise<void>;
}

/**
 * Signs in through the real API and replaces the account's first (generated) password, as its owner
 * must at the first sign-in; returns the new password.
 */
export async function changeFirstPassword(url: string, username: string, password: string): Promise<string> {
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!login.ok) throw new Error(`sign-in of ${username} failed: ${login.status} ${await login.text()}`);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const newPassword = generatePassword();
  const headers = { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken };
  const change = await fetch(`${url}/api/auth/password`, { method: 'POST', headers, body: JSON.stringify({ currentPassword: password, newPassword }) });
  if (!change.ok) throw new Error(`password change of ${username} failed: ${change.status} ${await change.text()}`);
  await fetch(`${url}/api/auth/logout`, { method: 'POST', headers });
  return newPassword;
}

/**
 * The real server on a random port over a fresh temp database seeded with the demo province. The
 * demo accounts' generated passwords are changed through the real API, as their owners must at the
 * first sign-in (`demo.accounts` holds the new ones; scripts/start.e2e.test.ts signs in with a printed
 * one); TOTP is required of no role unless `env` sets TOTP_REQUIRED_ROLES, so tests about other pages
 * sign in with a password alone (admin-ui/e2e/sign-in.e2e.test.ts covers the production setting).
 */
export async function startE2eServer(options: { responses?: number; env?: Record<string, string> } = {}): Promise<E2eServer> {
  const dir = tempDir('sipas-e2e-');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = testConfig(dir, { PORT: String(port), PUBLIC_BASE_URL: url, TOTP_REQUIRED_ROLES: 'none', ...options.env });
  const running = await startServer(config);
  const deps = { db: running.db, config, clock: systemClock, logger: silentLogger };
  const demo = await seedDemo(deps, { responses: options.responses ?? 2000, seed: 7 });
  for (const account of demo.accounts) account.password = await changeFirstPassword(url, account.username, account.password);
  return {
    url,
    surveyCode: demo.surveyCode,
    dbFile: config.databaseFile,
    demo,
    stop: async () => {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
