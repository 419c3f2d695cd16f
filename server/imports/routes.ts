import { Hono, type Context } from 'hono';
import { ResponseImportQuery } from '../../schema/exports.js';
import { requirePermission, type AuthEnv } from '../auth/middleware.js';
import type { Deps } from '../deps.js';
import { AppError, parseQuery } from '../http.js';
import { importResponses } from './responses.js';

/** A paper-survey file: tens of thousands of rows fit well under this. */
export const RESPONSE_IMPORT_MAX_BYTES = 32 * 1024 * 1024;

function tooLarge(limit: number) {
  return new AppError('payload_too_large', 413, `The file is larger than ${Math.round(limit / 1024 / 1024)} MB`);
}

/** Reads the raw upload (CSV or XLSX), refusing anything over the limit while streaming. */
async function readUpload(c: Context, limit: number): Promise<Uint8Array> {
  if (Number(c.req.header('content-length') ?? '0') > limit) throw tooLarge(limit);
  const encoding = (c.req.header('content-encoding') ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity') throw new AppError('unsupported_media_type', 415, 'Upload the file without Content-Encoding');
  const reader = c.req.raw.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const next = await reader?.read();
    if (!next || next.done) break;
    size += next.value.byteLength;
    if (size > limit) {
      await reader!.cancel();
      throw tooLarge(limit);
    }
    chunks.push(next.value);
  }
  if (size === 0) throw new AppError('import_failed', 400, 'The upload is empty');
  return Buffer.concat(chunks);
}

/**
 * /api/admin/imports: POST /responses?unitId=…&mode=preview|commit with the file as the body.
 * Preview lists every row error and what would be written; commit writes only when no row is bad.
 */
export function importRoutes(deps: Deps) {
  return new Hono<AuthEnv>().post('/responses', requirePermission('surveys.write'), async (c) => {
    const query = parseQuery(c, ResponseImportQuery);
    const bytes = await readUpload(c, RESPONSE_IMPORT_MAX_BYTES);
    return c.json(await importResponses(deps, c.get('actor'), query.unitId, query.mode, bytes));
  });
}
