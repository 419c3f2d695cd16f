import { createHash, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { AppDatabase } from '../db/database.js';
import { newId } from '../ids.js';
import { chainHead } from '../db/answer-chain.js';
import { keyIdOf, signingKey, signText, verifyText } from './signing.js';

/**
 * Every export carries a manifest: what the file is (its SHA-256 and size), what it covers (scope,
 * period, questionnaire and methodology version), the answer chain's head when it was made, signed
 * with the server's Ed25519 key. Whoever receives the file checks it with `npm run export:verify`
 * (or any Ed25519 tool: the signature is over the manifest's canonical JSON without `signature`),
 * with the public key from the public page; `npm run audit:verify -- --manifest` checks that the
 * stored answers still pass through the head it names.
 */

export const MANIFEST_FORMAT = 'sipas-export-manifest/1';

export const ExportManifest = z
  .object({
    format: z.literal(MANIFEST_FORMAT),
    id: z.string(),
    file: z.object({ name: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().nonnegative() }),
    /** summary, raw, report (admin exports) or open-data. */
    kind: z.string(),
    scope: z.object({ unitId: z.string().nullable(), unitCode: z.string().nullable(), name: z.string() }),
    period: z.object({ from: z.string(), to: z.string() }),
    instrumentId: z.string().nullable(),
    methodologyVersion: z.string(),
    chainHead: z.object({ seq: z.number().int().nonnegative(), hash: z.string().regex(/^[0-9a-f]{64}$/) }),
    generatedAt: z.string(),
    generatedBy: z.string(),
    algorithm: z.literal('Ed25519'),
    keyId: z.string(),
    signature: z.string(),
  })
  .strict();
export type ExportManifest = z.infer<typeof ExportManifest>;

/** What the export itself says about the file; the rest the manifest adds. */
export type ManifestSubject = Pick<ExportManifest, 'kind' | 'scope' | 'period' | 'instrumentId' | 'methodologyVersion' | 'generatedBy'> & { fileName: string };

/** JSON with object keys sorted at every level: the exact text that is signed. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

const signedText = (manifest: Omit<ExportManifest, 'signature'> | ExportManifest) => {
  const { signature: _signature, ...rest } = manifest as ExportManifest;
  return canonicalJson(rest);
};

export interface FileDigest {
  sha256: string;
  bytes: number;
}

export function digestOf(bytes: Uint8Array | string): FileDigest {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { sha256: createHash('sha256').update(buffer).digest('hex'), bytes: buffer.byteLength };
}

/** A streamed body passed through unchanged, its SHA-256 and size known once the last byte has gone. */
export function digestingStream(body: ReadableStream<Uint8Array>): { stream: ReadableStream<Uint8Array>; digest: Promise<FileDigest> } {
  const hash = createHash('sha256');
  let bytes = 0;
  let resolve!: (d: FileDigest) => void;
  // An export abandoned half-way never completes, and has no manifest.
  const digest = new Promise<FileDigest>((res) => {
    resolve = res;
  });
  const stream = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        hash.update(chunk);
        bytes += chunk.byteLength;
        controller.enqueue(chunk);
      },
      flush() {
        resolve({ sha256: hash.digest('hex'), bytes });
      },
    }),
  );
  return { stream, digest };
}

/** Signs a manifest for a file and the chain head read when its export began. */
export function signManifest(
  serverSecret: string,
  subject: ManifestSubject,
  digest: FileDigest,
  at: { id: string; generatedAt: Date; chainHead: { seq: number; hash: string } },
): ExportManifest {
  const key = signingKey(serverSecret);
  const { fileName, ...rest } = subject;
  const unsigned: Omit<ExportManifest, 'signature'> = {
    format: MANIFEST_FORMAT,
    id: at.id,
    file: { name: fileName, sha256: digest.sha256, bytes: digest.bytes },
    ...rest,
    chainHead: at.chainHead,
    generatedAt: at.generatedAt.toISOString(),
    algorithm: 'Ed25519',
    keyId: key.keyId,
  };
  return { ...unsigned, signature: signText(key, signedText(unsigned)) };
}

export interface ManifestCheck {
  ok: boolean;
  problems: string[];
}

/** Checks a file against its manifest and the manifest's signature against a public key. */
export function verifyExport(file: Uint8Array, manifestJson: unknown, publicKey: KeyObject): ManifestCheck {
  const parsed = ExportManifest.safeParse(manifestJson);
  if (!parsed.success) return { ok: false, problems: ['the manifest is not an export manifest of this platform'] };
  const manifest = parsed.data;
  const problems: string[] = [];
  if (manifest.keyId !== keyIdOf(publicKey)) problems.push(`the manifest was signed with key ${manifest.keyId}, not with the key given (${keyIdOf(publicKey)})`);
  if (!verifyText(publicKey, signedText(manifest), manifest.signature)) problems.push('the signature does not match the manifest: the manifest was changed or signed by another key');
  const digest = digestOf(file);
  if (digest.bytes !== manifest.file.bytes) problems.push(`the file has ${digest.bytes} bytes, the manifest says ${manifest.file.bytes}`);
  if (digest.sha256 !== manifest.file.sha256) problems.push('the file\u2019s SHA-256 differs from the manifest\u2019s: the file was changed');
  return { ok: problems.length === 0, problems };
}

/**
 * Wraps an export's body so its manifest is made and stored when the body is complete (at once for
 * a buffered file, after the last byte for a stream). The manifest is found by id afterwards
 * (GET /api/admin/exports/manifests/:id, or beside the file the command line writes).
 */
export async function manifestFor<B extends Uint8Array | string | ReadableStream<Uint8Array>>(
  database: AppDatabase,
  serverSecret: string,
  subject: ManifestSubject,
  body: B,
  who: { userId: string | null; unitId: string | null; at: Date },
): Promise<{ id: string; body: B | ReadableStream<Uint8Array>; manifest: Promise<ExportManifest> }> {
  const id = newId();
  const head = await chainHead(database.kysely);
  await database.write((tx) => tx.insertInto('export_manifests').values({ id, created_at: who.at.toISOString(), actor_user_id: who.userId, unit_id: who.unitId, manifest: null }).execute());
  const finish = async (digest: FileDigest) => {
    const manifest = signManifest(serverSecret, subject, digest, { id, generatedAt: who.at, chainHead: head });
    await database.write((tx) => tx.updateTable('export_manifests').set({ manifest: JSON.stringify(manifest) }).where('id', '=', id).execute());
    return manifest;
  };
  if (body instanceof ReadableStream) {
    const { stream, digest } = digestingStream(body);
    const manifest = digest.then(finish);
    manifest.catch(() => undefined);
    return { id, body: stream, manifest };
  }
  // A file already in memory is signed before it is sent: its manifest is there when the download ends.
  const manifest = await finish(digestOf(body as Uint8Array | string));
  return { id, body, manifest: Promise.resolve(manifest) };
}
