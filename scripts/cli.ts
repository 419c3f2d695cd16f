import { systemClock } from '../server/clock.js';
import { ConfigError, loadConfig, type Config } from '../server/config.js';
import type { Deps } from '../server/deps.js';
import { consoleLogger } from '../server/log.js';
import { openDatabase } from '../server/main.js';

/** Parses `--name value` and `--flag` arguments after `npm run x --`. */
export function parseArgs(argv: string[]): { flags: Record<string, string | true>; positional: string[] } {
  const flags: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('--')) {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        flags[arg.slice(2)] = next;
        i++;
      } else flags[arg.slice(2)] = true;
    } else positional.push(arg);
  }
  return { flags, positional };
}

/** Prints one line and exits 1: how every script reports a user error. */
export function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
}

/** Config + migrated database for a command-line script (honours DATA_DIR like the server). */
export async function scriptDeps(): Promise<Deps> {
  const config = loadConfigOrExit();
  const db = await openDatabase(config);
  return { db, config, clock: systemClock, logger: consoleLogger };
}
