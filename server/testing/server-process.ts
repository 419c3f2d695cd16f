import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from './ports.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last lines the server wrote on stderr (for failure messages). */
  stderr(): string;
}

export interface LoadedServerProcess {
  /** Runs the server's main() and resolves once /healthz answers. */
  start(): Promise<ServerProcess>;
  /** Ends a loaded server that was never started. */
  discard(): Promise<void>;
}

/**
 * The real server (`main()` of server/main.ts) in a child process on DATA_DIR, with its modules
 * loaded but not yet started (see warm-server.ts): the durability tests kill it with signals,
 * which an in-process server cannot survive.
 */
export async function loadServerProcess(options: { dataDir: string; env?: Record<string, string> }): Promise<LoadedServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/testing/warm-server.ts')], {
    cwd: ROOT,
    // TRUST_PROXY: SubmissionLoad's clients come from 127.0.0.1 and name their own addresses, as behind a proxy.
    env: { ...process.env, DATA_DIR: options.dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_REQUESTS: 'false', TRUST_PROXY: 'true', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-8000);
  });
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let running = true;
  void exited.then(() => (running = false));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    void exited.then(() => reject(new Error(`the server exited while loading: ${stderr}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    discard: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    start: async () => {
      child.stdin!.end('start\n');
      for (let waited = 0; ; waited += 20) {
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
        await new Promise((r) => setTimeout(r, 20));
      }
      return { url, port, child, exited, stderr: () => stderr };
    },
  };
}

/** Loads and starts the real server in a child process. */
export async function startServerProcess(options: { dataDir: string; env?: Record<string, string> }): Promise<ServerProcess> {
  return (await loadServerProcess(options)).start();
}
