import { rmSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { systemClock } from '../clock.js';
import { silentLogger } from '../log.js';
import { startServer } from '../main.js';
import { seedDemo, type DemoSeedResult } from '../seed/index.js';
import { tempDir, testConfig } from './harness.js';
import { freePort } from './ports.js';

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

/** The real server on a random port over a fresh temp database seeded with the demo province. */
export async function startE2eServer(options: { responses?: number; env?: Record<string, string> } = {}): Promise<E2eServer> {
  const dir = tempDir('sipas-e2e-');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = testConfig(dir, { PORT: String(port), PUBLIC_BASE_URL: url, ...options.env });
  const running = await startServer(config);
  const deps = { db: running.db, config, clock: systemClock, logger: silentLogger };
  const demo = await seedDemo(deps, { responses: options.responses ?? 2000, seed: 7 });
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
