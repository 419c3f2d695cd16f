import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { ExportManifest, verifyExport } from '../server/integrity/manifest.js';
import { publicKeyFromPem, signingKey } from '../server/integrity/signing.js';
import { fail, loadConfigOrExit, parseArgs } from './cli.js';

/**
 * `npm run export:verify -- <file> <manifest> [--key <public key .pem | https://…/public/signing-key.pem>]`:
 * checks that an exported file is the one its signed manifest describes, byte for byte, and that the
 * manifest was signed by the server. Without --key it uses this server's own key (DATA_DIR's
 * secret); anyone else passes the key the province's public page serves. Exit 1 on any mismatch.
 */
const USAGE = 'Usage: npm run export:verify -- <file> <manifest.json> [--key <public key .pem file or URL>]';

const { flags, positional } = parseArgs(process.argv.slice(2));
if (positional.length !== 2 || Object.keys(flags).some((f) => f !== 'key') || flags.key === true) fail(USAGE);
const [file, manifestFile] = positional as [string, string];

async function publicKey(): Promise<KeyObject> {
  const source = flags.key;
  if (typeof source !== 'string') return signingKey(loadConfigOrExit().serverSecret).publicKey;
  const pem = /^https?:\/\//.test(source) ? await (await fetch(source)).text() : readFileSync(source, 'utf8');
  try {
    return publicKeyFromPem(pem);
  } catch {
    fail(`${source} does not hold a PEM public key`);
  }
}

let bytes: Buffer;
let manifest: unknown;
try {
  bytes = readFileSync(file);
  manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
} catch (err) {
  fail(`Cannot read the file or the manifest: ${(err as Error).message}`);
}
const check = verifyExport(bytes!, manifest, await publicKey());
if (!check.ok) fail(`NOT VERIFIED: ${file}\n${check.problems.map((p) => `- ${p}`).join('\n')}`);
const m = ExportManifest.parse(manifest);
process.stdout.write(
  `verified: ${file} is ${m.file.name} (${m.kind}), ${m.scope.name}${m.scope.unitCode ? ` (${m.scope.unitCode})` : ''}, ${m.period.from} – ${m.period.to}, ` +
    `methodology ${m.methodologyVersion}, made ${m.generatedAt} by ${m.generatedBy}; answer chain at link ${m.chainHead.seq}; key ${m.keyId}\n`,
);
