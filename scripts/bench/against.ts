import { execFileSync, spawnSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { tempDir } from '../../server/testing/harness.js';

/**
 * `npm run bench -- --against REV[,REV…]`: the intake of earlier revisions next to the working
 * tree's, in the same run. Each revision is checked out beside the working tree (sharing its
 * node_modules) and runs its own seed and its own server, so the comparison is of the code as it
 * was, on the same machine within the same minutes.
 */
export interface Tree {
  name: string;
  root: string;
  remove(): void;
}

export function checkOutRevision(root: string, rev: string): Tree {
  const tree = tempDir('sipas-bench-rev-');
  execFileSync('git', ['worktree', 'add', '--detach', tree, rev], { cwd: root, stdio: 'ignore' });
  symlinkSync(path.join(root, 'node_modules'), path.join(tree, 'node_modules'));
  return {
    name: rev,
    root: tree,
    remove: () => execFileSync('git', ['worktree', 'remove', '--force', tree], { cwd: root, stdio: 'ignore' }),
  };
}

export interface SeededTree {
  dataDir: string;
  databaseFile: string;
  surveyCode: string;
}

/**
 * A demo database seeded by the tree's own code (its schema and demo as they were) in `dir`: its
 * DATA_DIR, file and the survey code of its first counter.
 */
export function seedWithTree(tree: string, dir: string): SeededTree {
  const script = `
    const { openDatabase } = await import('./server/main.ts');
    const { seedDemo } = await import('./server/seed/index.ts');
    const { testConfig } = await import('./server/testing/harness.ts');
    const { systemClock } = await import('./server/clock.ts');
    const { silentLogger } = await import('./server/log.ts');
    const config = testConfig(${JSON.stringify(dir)}, { DATABASE_URL: '' });
    const db = await openDatabase(config);
    const demo = await seedDemo({ db, config, clock: systemClock, logger: silentLogger }, { responses: 0, seed: 1 });
    await db.close();
    console.log(JSON.stringify({ dataDir: config.dataDir, databaseFile: config.databaseFile, surveyCode: demo.surveyCode }));`;
  const seeded = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: tree, encoding: 'utf8' });
  if (seeded.status !== 0) throw new Error(`seeding with ${tree} failed: ${seeded.stderr}`);
  return JSON.parse(seeded.stdout.trim().split('\n').at(-1)!) as SeededTree;
}

/** Responses stored and flagged, read from the file as any revision left it. */
export function storedCounts(databaseFile: string): { all: number; suspect: number } {
  const db = new BetterSqlite3(databaseFile, { readonly: true });
  try {
    return db.prepare('select count(*) as "all", coalesce(sum(suspect), 0) as suspect from responses').get() as { all: number; suspect: number };
  } finally {
    db.close();
  }
}
