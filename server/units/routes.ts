import { Hono, type Context } from 'hono';
import {
  CatalogueListQuery,
  CounterCreate,
  CounterListQuery,
  CounterUpdate,
  Id,
  ImportKind,
  ImportQuery,
  ProcedureCreate,
  ProcedureUpdate,
  StaffCreate,
  StaffUpdate,
  UnitCreate,
  UnitListQuery,
  UnitUpdate,
} from '../../schema/admin.js';
import { requirePermission, type AuthEnv } from '../auth/middleware.js';
import type { Deps } from '../deps.js';
import { AppError, parseQuery, parseWith, readJsonWith } from '../http.js';
import {
  createProcedure,
  createStaff,
  getProcedure,
  getStaff,
  listProcedures,
  listStaff,
  updateProcedure,
  updateStaff,
} from './catalogue.js';
import { createCounter, getCounter, listCounters, updateCounter } from './counters.js';
import { runImport } from './import.js';
import { createUnit, getUnit, listUnits, updateUnit } from './tree.js';

/** Uploads for import: a few thousand rows are well under this. */
export const IMPORT_MAX_BYTES = 10 * 1024 * 1024;

const idParam = (c: Context) => parseWith(Id, c.req.param('id'), 'path');

/** Reads the raw upload (CSV or XLSX), refusing anything over the limit while streaming. */
async function readUpload(c: Context, limit: number): Promise<Uint8Array> {
  if (Number(c.req.header('content-length') ?? '0') > limit) throw tooLarge(limit);
  const encoding = (c.req.header('content-encoding') ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity') throw new AppError('unsupported_media_type', 415, 'Upload the file without Content-Encoding');
  const reader = c.req.raw.body?.getReader();
  if (!reader) throw new AppError('import_failed', 400, 'The upload is empty');
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  if (size === 0) throw new AppError('import_failed', 400, 'The upload is empty');
  return Buffer.concat(chunks);
}

function tooLarge(limit: number) {
  return new AppError('payload_too_large', 413, `The file is larger than ${Math.round(limit / 1024 / 1024)} MB`);
}

/** /api/admin/units, /counters, /staff, /procedures, /import — the unit tree and its catalogues. */
export function unitRoutes(deps: Deps) {
  const limit = deps.config.bodyLimitBytes;
  const read = requirePermission('units.read');
  const write = requirePermission('units.write');
  return new Hono<AuthEnv>()
    .get('/units', read, async (c) => c.json(await listUnits(deps, c.get('actor'), parseQuery(c, UnitListQuery))))
    .get('/units/:id', read, async (c) => c.json(await getUnit(deps, c.get('actor'), idParam(c))))
    .post('/units', write, async (c) =>
      c.json(await createUnit(deps, c.get('actor'), await readJsonWith(c, limit, UnitCreate)), 201),
    )
    .patch('/units/:id', write, async (c) =>
      c.json(await updateUnit(deps, c.get('actor'), idParam(c), await readJsonWith(c, limit, UnitUpdate))),
    )
    .get('/counters', read, async (c) => c.json(await listCounters(deps, c.get('actor'), parseQuery(c, CounterListQuery))))
    .get('/counters/:id', read, async (c) => c.json(await getCounter(deps, c.get('actor'), idParam(c))))
    .post('/counters', write, async (c) =>
      c.json(await createCounter(deps, c.get('actor'), await readJsonWith(c, limit, CounterCreate)), 201),
    )
    .patch('/counters/:id', write, async (c) =>
      c.json(await updateCounter(deps, c.get('actor'), idParam(c), await readJsonWith(c, limit, CounterUpdate))),
    )
    .get('/staff', read, async (c) => c.json(await listStaff(deps, c.get('actor'), parseQuery(c, CatalogueListQuery))))
    .get('/staff/:id', read, async (c) => c.json(await getStaff(deps, c.get('actor'), idParam(c))))
    .post('/staff', write, async (c) =>
      c.json(await createStaff(deps, c.get('actor'), await readJsonWith(c, limit, StaffCreate)), 201),
    )
    .patch('/staff/:id', write, async (c) =>
      c.json(await updateStaff(deps, c.get('actor'), idParam(c), await readJsonWith(c, limit, StaffUpdate))),
    )
    .get('/procedures', read, async (c) =>
      c.json(await listProcedures(deps, c.get('actor'), parseQuery(c, CatalogueListQuery))),
    )
    .get('/procedures/:id', read, async (c) => c.json(await getProcedure(deps, c.get('actor'), idParam(c))))
    .post('/procedures', write, async (c) =>
      c.json(await createProcedure(deps, c.get('actor'), await readJsonWith(c, limit, ProcedureCreate)), 201),
    )
    .patch('/procedures/:id', write, async (c) =>
      c.json(await updateProcedure(deps, c.get('actor'), idParam(c), await readJsonWith(c, limit, ProcedureUpdate))),
    )
    .post('/import/:kind', write, async (c) => {
      const kind = parseWith(ImportKind, c.req.param('kind'), 'path');
      const query = parseQuery(c, ImportQuery);
      const bytes = await readUpload(c, IMPORT_MAX_BYTES);
      return c.json(await runImport(deps, c.get('actor'), kind, query.unitId, query.mode, bytes));
    });
}
