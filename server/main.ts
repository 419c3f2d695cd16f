import { serve, type ServerType } from '@hono/node-server';
import { createApp } from './app.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openSqlite, type AppDatabase } from './db/database.js';
import { migrate } from './db/migrate.js';
import { ensureBuiltinInstruments } from './instruments/store.js';
import { consoleLogger } from './log.js';

export interface RunningServer {
  server: ServerType;
  db: AppDatabase;
  config: Config;
  url: string;
  close(): Promise<void>;
}

export async function openDatabase(config: Config): Promise<AppDatabase> {
  const db = openSqlite(config.databaseFile);
  await migrate(db);
  await ensureBuiltinInstruments(db.kysely, systemClock);
  return db;
}

export async function startServer(config: Config, db?: AppDatabase): Promise<RunningServer> {
  const database = db ?? (await openDatabase(config));
  const app = createApp({ db: database, config, clock: systemClock, logger: consoleLogger });
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const close = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await database.close();
  };
  return { server, db: database, config, url: `http://${config.host}:${port}`, close };
}

/** Entry point: one line on stderr and exit 1 for a bad configuration or a non-durable database. */
export async function main(): Promise<RunningServer> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const running = await startServer(config);
  consoleLogger.info('listening', { url: running.url });
  const shutdown = (signal: string) => {
    consoleLogger.info('shutdown', { signal });
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  return running;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
