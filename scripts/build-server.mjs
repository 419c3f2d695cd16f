// @ts-check
/**
 * Compiles the server and its command-line tools to plain JavaScript in dist/node/, which
 * `npm start` and the operator commands run (tsx is for development only: it costs start-up time
 * and about 50 MB of memory).
 *
 *   node scripts/build-server.mjs           builds only when dist/node/ is missing or out of date
 *   node scripts/build-server.mjs --force   always builds (npm run build)
 *
 * Plain JavaScript, because it has to run before anything is compiled. Each source file is
 * transpiled on its own by esbuild (the transpiler tsx uses in development, so both run the same
 * code) to the same path under dist/node/: relative `.js` imports and `import.meta.dirname` work
 * unchanged, and the stylesheets the server reads beside its code are copied along. Types are
 * checked by `npm run typecheck`, not here.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const outDir = path.join(root, 'dist', 'node');
const manifestFile = path.join(outDir, 'manifest.json');

/** What runs compiled; everything they import is compiled with them. */
const ENTRIES = [
  'scripts/start.ts',
  'scripts/seed.ts',
  'scripts/db-backup.ts',
  'scripts/db-restore.ts',
  'scripts/export.ts',
  'scripts/admin-create.ts',
  'scripts/apikey-create.ts',
  'scripts/rollup-rebuild.ts',
  'scripts/migrate-to-postgres.ts',
  'scripts/audit-verify.ts',
  'scripts/export-verify.ts',
  'server/main.ts',
  // Started as a worker thread by name, not imported.
  'server/exports/raw-worker.ts',
];

/** Files whose change makes a build out of date besides the sources: this script and the compiler settings. */
const BUILD_INPUTS = ['scripts/build-server.mjs', 'tsconfig.json'];

/** Directories whose non-TypeScript files (stylesheets) the server reads next to its own code. */
const ASSET_DIRS = ['server', 'schema'];

/** @typedef {{ files: Record<string, number> }} Manifest — every input (relative path) with its mtime when built */

/** @param {string} dir @returns {string[]} */
function assetFiles(dir) {
  /** @type {string[]} */
  const found = [];
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...assetFiles(rel));
    else if (!/\.tsx?$/.test(entry.name)) found.push(rel);
  }
  return found;
}

/** @param {string} rel */
function mtimeOf(rel) {
  return statSync(path.join(root, rel)).mtimeMs;
}

/** Why dist/node/ must be (re)built, or null when every input is as it was when it was built. */
function staleReason() {
  if (!existsSync(manifestFile)) return 'dist/node is missing';
  /** @type {Manifest} */
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  const wanted = [...ENTRIES, ...BUILD_INPUTS, ...ASSET_DIRS.flatMap(assetFiles)];
  const missing = wanted.find((rel) => !(rel in manifest.files));
  if (missing) return `${missing} is new`;
  for (const [rel, mtime] of Object.entries(manifest.files)) {
    if (!existsSync(path.join(root, rel)) || mtimeOf(rel) !== mtime) return `${rel} changed`;
  }
  return null;
}

/** @param {typeof import('esbuild')} esbuild */
async function build(esbuild) {
  const common = /** @type {const} */ ({ absWorkingDir: root, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });
  // The import graph of the entries, from a bundle that is never written.
  const graph = await esbuild.build({ ...common, entryPoints: ENTRIES, outdir: 'unused', bundle: true, packages: 'external', write: false, metafile: true });
  const sources = Object.keys(graph.metafile.inputs);
  const assets = ASSET_DIRS.flatMap(assetFiles);
  // Recorded before transpiling: a file edited meanwhile makes the next start build again.
  /** @type {Manifest} */
  const manifest = { files: Object.fromEntries([...sources, ...assets, ...BUILD_INPUTS].map((rel) => [rel, mtimeOf(rel)])) };

  // Built beside dist/node/ and renamed into place, so a server starting meanwhile never reads half a build.
  const staging = path.join(root, 'dist', `.node-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  await esbuild.build({ ...common, entryPoints: sources, outdir: staging, outbase: '.', bundle: false });
  for (const rel of assets) {
    mkdirSync(path.dirname(path.join(staging, rel)), { recursive: true });
    copyFileSync(path.join(root, rel), path.join(staging, rel));
  }
  writeFileSync(path.join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);

  const previous = path.join(root, 'dist', `.node-old-${process.pid}`);
  if (existsSync(outDir)) renameSync(outDir, previous);
  try {
    renameSync(staging, outDir);
  } catch (err) {
    // Another build finished first and its dist/node/ is as new as ours.
    if (!existsSync(outDir)) throw err;
  }
  rmSync(staging, { recursive: true, force: true });
  rmSync(previous, { recursive: true, force: true });
  return sources.length;
}

const force = process.argv.includes('--force');
const reason = force ? 'requested' : staleReason();
/** @type {typeof import('esbuild') | undefined} */
const esbuild = reason ? await import('esbuild').catch(() => undefined) : undefined;
if (reason && !esbuild) {
  // An install without dev dependencies runs what `npm run build` made before it was pruned.
  if (!existsSync(manifestFile)) {
    process.stderr.write('dist/node is missing and esbuild is not installed: run `npm ci` and `npm run build` first\n');
    process.exit(1);
  }
  process.stderr.write(`dist/node may be out of date (${reason}) but esbuild is not installed to rebuild it: running it as it is\n`);
} else if (reason && esbuild) {
  const started = performance.now();
  try {
    const count = await build(esbuild);
    process.stderr.write(`Compiled the server to dist/node (${count} files, ${Math.round(performance.now() - started)} ms; ${reason})\n`);
  } catch (err) {
    process.stderr.write(`Cannot compile the server: ${/** @type {Error} */ (err).message}\n`);
    process.exit(1);
  }
}
