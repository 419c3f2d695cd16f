import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../testing/e2e.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything the server wrote on stderr (for failure messages). */
  stderr(): string;
}

/**
 * The real server (`server/main.ts`) as a child process on DATA_DIR, resolved once /healthz answers:
 * the durability tests kill it with signals, which an in-process server cannot survive.
 */
export async function startServerProcess(options: { dataDir: string; env?: Record<string, string>; port?: number }): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: options.dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_REQUESTS: 'false',
      ...options.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-8000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  let running = true;
  void exited.then(() => (running = false));
  for (let waited = 0; ; waited += 50) {
    if (!running) throw new Error(`the server exited before it was ready: ${stderr}`);
    if (waited > 60_000) {
      child.kill('SIGKILL');
      throw new Error(`the server was not ready after 60 s: ${stderr}`);
    }
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url, port, child, exited, stderr: () => stderr };
}
