import { createWriteStream } from 'node:fs';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ExportKind, ExportQuery } from '../schema/exports.js';
import { runExport } from '../server/exports/run.js';
import { CLI_CALLER } from '../server/exports/scope.js';
import { unitIdByCode } from '../server/reporting/index.js';
import { AppError } from '../server/http.js';
import { manifestFor } from '../server/integrity/manifest.js';
import { fail, parseArgs, scriptDeps } from './cli.js';

/**
 * `npm run export -- <summary|raw|report> [--unit <code>] [--from YYYY-MM-DD] [--to YYYY-MM-DD]
 * [--format xlsx|csv|html] [--instrument QUAY@1] --out <file>` — for a monthly cron job. All units
 * and the current quarter by default; honours DATA_DIR; audited with actor 'cli'. The file appears
 * only once complete (written beside it, then renamed), so a job picking it up never reads half.
 * Its signed manifest follows as <file>.manifest.json (check both with npm run export:verify).
 */
const USAGE =
  'Usage: npm run export -- <summary|raw|report> [--unit <code>] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--format xlsx|csv|html] [--instrument <id>] --out <file>';

const { flags, positional } = parseArgs(process.argv.slice(2));
const kind = ExportKind.safeParse(positional[0]);
if (!kind.success || positional.length !== 1) fail(USAGE);
const out = flags.out;
if (typeof out !== 'string') fail(`--out <file> is required\n${USAGE}`);
const known = new Set(['unit', 'from', 'to', 'format', 'instrument', 'out']);
const unknown = Object.keys(flags).find((f) => !known.has(f));
if (unknown) fail(`Unknown option --${unknown}\n${USAGE}`);
const text = (name: string): string | undefined => {
  const value = flags[name];
  if (value === true) fail(`--${name} needs a value`);
  return value;
};

const deps = await scriptDeps();
try {
  const unitCode = text('unit');
  const query = ExportQuery.safeParse({
    ...(unitCode && { unitId: await unitIdByCode(deps.db.kysely, unitCode) }),
    from: text('from'),
    to: text('to'),
    format: text('format'),
    instrumentId: text('instrument'),
  });
  if (!query.success) fail(query.error.issues.map((i) => `--${String(i.path[0] ?? 'option')}: ${i.message}`).join('\n'));
  const file = await runExport(deps, CLI_CALLER, { kind: kind.data!, query: query.data, generatedBy: 'Dòng lệnh (cli)', standalone: true });
  const signed = await manifestFor(deps.db, deps.config.serverSecret, file.subject, file.body, { userId: null, unitId: file.subject.scope.unitId, at: deps.clock.now() });
  const target = path.resolve(out);
  const partial = `${target}.part`;
  try {
    if (signed.body instanceof ReadableStream) {
      await pipeline(Readable.fromWeb(signed.body as import('node:stream/web').ReadableStream<Uint8Array>), createWriteStream(partial));
    } else {
      await writeFile(partial, signed.body);
    }
    await rename(partial, target);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  // The signed manifest beside the file, for whoever receives it: npm run export:verify -- <file> <file>.manifest.json
  await writeFile(`${target}.manifest.json`, `${JSON.stringify(await signed.manifest, null, 2)}\n`);
  process.stdout.write(`Wrote ${target} (${(await stat(target)).size} bytes): ${file.fileName}\n`);
} catch (err) {
  if (err instanceof AppError) fail(err.message);
  throw err;
} finally {
  await deps.db.close();
}
