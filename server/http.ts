import { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import type { ErrorBody, ErrorCode, ErrorIssue } from '../schema/errors.js';

/** The one error type: thrown anywhere, answered by app.onError with the one error shape. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: ContentfulStatusCode,
    message: string,
    readonly issues?: ErrorIssue[],
  ) {
    super(message);
  }
}

export function errorBody(code: ErrorCode, message: string, issues?: ErrorIssue[]): ErrorBody {
  return { error: issues?.length ? { code, message, issues } : { code, message } };
}

/** Validates data with a zod schema; failures become a 400 listing every issue by path. */
export function parseWith<S extends z.ZodType>(schema: S, data: unknown, what = 'request'): z.infer<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({
    path: i.path.map((p) => (typeof p === 'number' ? p : String(p))),
    message: i.message,
  }));
  throw new AppError('validation_failed', 400, `The ${what} is not valid`, issues);
}

export function parseQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return parseWith(schema, c.req.query(), 'query');
}

const decoders = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
} as const;

/** The Node request under @hono/node-server (its `env.incoming`); none under app.request() in tests. */
function nodeRequest(c: Context): IncomingMessage | undefined {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  return incoming instanceof IncomingMessage ? incoming : undefined;
}

/**
 * One request header. Under @hono/node-server it is read from the incoming message's own header
 * object: c.req.header() builds a WHATWG Headers from every raw header first, which the survey
 * intake cannot afford on each submission. Elsewhere (app.request() in tests) from the Request.
 */
export function requestHeader(c: Context, name: Lowercase<string>): string | undefined {
  const incoming = nodeRequest(c);
  if (!incoming) return c.req.header(name);
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * The request body as a Node stream: under @hono/node-server the incoming message itself, which
 * skips building a WHATWG Request, AbortSignal and ReadableStream per request (a fifth of the
 * intake's CPU); under app.request() in tests, the Request's body.
 */
function bodyStream(c: Context): Readable | undefined {
  const incoming = nodeRequest(c);
  if (incoming) return incoming;
  const raw = c.req.raw.body;
  return raw ? Readable.fromWeb(raw as import('node:stream/web').ReadableStream) : undefined;
}

/**
 * Lets a page be framed by `ancestors` (a CSP source list), past the app's frame-ancestors 'none'.
 * For a middleware registered before the secure headers, so that it runs after them: one static
 * policy for every other reply instead of a policy computed per request.
 */
export function allowFraming(c: Context, ancestors: string): void {
  const csp = c.res.headers.get('content-security-policy');
  if (csp) c.res.headers.set('content-security-policy', csp.replace(/frame-ancestors [^;]*/, `frame-ancestors ${ancestors}`));
}

/**
 * Reads the request body as UTF-8 text, decoding Content-Encoding, and enforces the size limit on
 * the decoded bytes (so a small compressed body cannot expand past the limit).
 */
export async function readBodyText(c: Context, limitBytes: number): Promise<string> {
  const declared = Number(requestHeader(c, 'content-length') ?? '0');
  const encoding = (requestHeader(c, 'content-encoding') ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' && declared > limitBytes) throw tooLarge(limitBytes);
  const body = bodyStream(c);
  if (!body) return '';
  if (encoding === 'identity') return readLimited(body, limitBytes);
  const make = decoders[encoding as keyof typeof decoders];
  if (!make) throw new AppError('unsupported_media_type', 415, `Content-Encoding ${encoding} is not supported`);
  const decoder = make();
  body.on('error', (err) => decoder.destroy(err));
  try {
    return await readLimited(body.pipe(decoder), limitBytes);
  } catch (err) {
    body.unpipe(decoder);
    decoder.destroy();
    throw err;
  }
}

/**
 * Reads a byte stream to text, stopping as soon as it passes the limit. The rest of an oversized
 * body is left for @hono/node-server to drain after the 413 is sent, so the client sees the answer.
 * Plain listeners rather than an async iterator: a submission's body is one chunk, and the
 * iterator's machinery (end-of-stream tracking, a promise per step) cost more than reading it.
 */
function readLimited(stream: Readable, limitBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error?: AppError) => {
      settled = true;
      stream.off('data', onData);
      stream.off('end', onEnd);
      if (!error) return resolve(Buffer.concat(chunks, size).toString('utf8'));
      stream.pause();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limitBytes) settle(tooLarge(limitBytes));
      else chunks.push(chunk);
    };
    const onEnd = () => settle();
    // An error, or a close before the end (the client went away), means the body cannot be read;
    // these listeners stay, so a late error is not an uncaught one.
    const unreadable = () => {
      if (!settled) settle(new AppError('bad_request', 400, 'The request body could not be decoded'));
    };
    stream.on('data', onData).on('end', onEnd).on('error', unreadable).on('close', unreadable);
  });
}

function tooLarge(limitBytes: number): AppError {
  return new AppError('payload_too_large', 413, `The request body is larger than ${limitBytes} bytes`);
}

/** Reads and parses a JSON body (size-limited after decoding); malformed JSON is a clear 400. */
export async function readJson(c: Context, limitBytes: number): Promise<unknown> {
  const type = requestHeader(c, 'content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new AppError('unsupported_media_type', 415, 'Send the body as application/json');
  }
  const text = await readBodyText(c, limitBytes);
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('invalid_json', 400, 'The request body is not valid JSON');
  }
}

export async function readJsonWith<S extends z.ZodType>(c: Context, limitBytes: number, schema: S): Promise<z.infer<S>> {
  return parseWith(schema, await readJson(c, limitBytes), 'request body');
}
