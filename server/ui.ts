import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Hono, type Context } from 'hono';
import { AppError } from './http.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

interface StaticFile {
  body: Buffer;
  gzip: Buffer | undefined;
  type: string;
  immutable: boolean;
}

/** A built UI held in memory (they are small), gzipped once at start-up. */
export interface BuiltUi {
  readonly base: string;
  file(relativePath: string): StaticFile | undefined;
  readonly indexHtml: string;
}

/** The nearest directory at or above `from` with a package.json: the project root, from the sources or their compiled copy in dist/node/. */
function projectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const DIST_DIR = path.join(projectRoot(import.meta.dirname), 'dist');

export function loadBuiltUi(name: 'survey' | 'admin', base: string, distDir = DIST_DIR): BuiltUi | undefined {
  const root = path.join(distDir, name);
  if (!existsSync(path.join(root, 'index.html'))) return undefined;
  const files = new Map<string, StaticFile>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) {
        walk(full);
        continue;
      }
      const rel = path.relative(root, full).split(path.sep).join('/');
      const body = readFileSync(full);
      const type = TYPES[path.extname(entry)] ?? 'application/octet-stream';
      const compressible = /text|json|svg|manifest/.test(type);
      files.set(rel, {
        body,
        gzip: compressible && body.length > 512 ? gzipSync(body, { level: 9 }) : undefined,
        type,
        immutable: rel.startsWith('assets/'),
      });
    }
  };
  walk(root);
  return {
    base,
    file: (rel) => files.get(rel),
    indexHtml: readFileSync(path.join(root, 'index.html'), 'utf8'),
  };
}

export function sendStatic(c: Context, file: StaticFile): Response {
  const headers: Record<string, string> = {
    'content-type': file.type,
    'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    vary: 'accept-encoding',
  };
  const acceptsGzip = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
  if (file.gzip && acceptsGzip) {
    headers['content-encoding'] = 'gzip';
    return c.body(new Uint8Array(file.gzip), 200, headers);
  }
  return c.body(new Uint8Array(file.body), 200, headers);
}

/** A request path's percent-encoding undone; a broken one (`%`, a cut UTF-8 sequence) is the client's error. */
function decodePath(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new AppError('bad_request', 400, 'The path has a broken percent-encoding');
  }
}

/**
 * Serves a built UI under its base: hashed assets with immutable caching, other files as they are,
 * and index.html for every other path so client-side routes survive a reload.
 */
export function uiRoutes(ui: BuiltUi | undefined, name: string): Hono {
  const app = new Hono();
  app.get('*', (c) => {
    if (!ui) throw new AppError('internal', 503, `The ${name} UI is not built yet: run npm run build`);
    const rel = decodePath(c.req.path.slice(ui.base.length)).replace(/^\/+/, '');
    const file = rel && !rel.includes('..') ? ui.file(rel) : undefined;
    if (file) return sendStatic(c, file);
    if (rel.startsWith('assets/')) throw new AppError('not_found', 404, 'No such file');
    return sendStatic(c, ui.file('index.html')!);
  });
  return app;
}
