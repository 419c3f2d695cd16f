import { readFileSync } from 'node:fs';
import { verifyAnswerChain } from '../server/integrity/verify.js';
import { ExportManifest } from '../server/integrity/manifest.js';
import { fail, parseArgs, scriptDeps } from './cli.js';

/**
 * `npm run audit:verify [-- --manifest <file> | --head <seq>:<hash>]`: walks the hash chain of
 * stored answers in DATA_DIR's database (or DATABASE_URL's) and reports the first break, naming the
 * edited answer where it can; exit 1 on a break. A signed export manifest names the chain's head
 * when the file was made: with it, a rewrite of everything up to that head shows too.
 */
const USAGE = 'Usage: npm run audit:verify [-- --manifest <export manifest> | --head <seq>:<hash>]';

const { flags, positional } = parseArgs(process.argv.slice(2));
if (positional.length || Object.keys(flags).some((f) => f !== 'manifest' && f !== 'head')) fail(USAGE);
let expectHead: { seq: number; hash: string } | undefined;
if (typeof flags.manifest === 'string') {
  const parsed = ExportManifest.safeParse(JSON.parse(readFileSync(flags.manifest, 'utf8')));
  if (!parsed.success) fail(`${flags.manifest} is not an export manifest`);
  expectHead = parsed.data!.chainHead;
} else if (typeof flags.head === 'string') {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(flags.head);
  if (!match) fail(`--head takes <seq>:<64 hex characters>\n${USAGE}`);
  expectHead = { seq: Number(match![1]), hash: match![2]! };
} else if (flags.manifest !== undefined || flags.head !== undefined) fail(USAGE);

const deps = await scriptDeps();
try {
  const started = performance.now();
  const report = await verifyAnswerChain(deps.db.kysely, expectHead ? { expectHead } : {});
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (!report.ok) {
    fail(`BROKEN: ${report.break!.reason}. The chain is intact up to link ${report.links} (${report.answers} answers before the break).`);
  }
  process.stdout.write(
    `verified: ${report.answers} answers in ${report.links} links, head ${report.head.seq}:${report.head.hash}${expectHead ? `; passes through link ${expectHead.seq} of the manifest` : ''} (${seconds} s)\n`,
  );
} finally {
  await deps.db.close();
}
