import { Hono } from 'hono';
import { ExportKind, ExportQuery } from '../../schema/exports.js';
import { requirePermission, type AuthEnv } from '../auth/middleware.js';
import type { Deps } from '../deps.js';
import { parseQuery, parseWith } from '../http.js';
import { REPORT_CSS, REPORT_JS } from './report.js';
import { exportOptions, runExport } from './run.js';
import { manifestFor } from '../integrity/manifest.js';

/**
 * /api/admin/exports: the export page's choices, the printable report's stylesheet, and the exports
 * themselves (GET /summary, /raw, /report with unitId, from, to, instrumentId, format). Every export
 * is scoped to the caller's units and recorded in the audit log.
 */
export function exportRoutes(deps: Deps) {
  const run = requirePermission('exports.run');
  return new Hono<AuthEnv>()
    .get('/options', run, async (c) => c.json(await exportOptions(deps, c.get('actor'))))
    .get('/report.css', run, (c) =>
      c.body(REPORT_CSS, 200, { 'content-type': 'text/css; charset=utf-8' }),
    )
    .get('/report.js', run, (c) => c.body(REPORT_JS, 200, { 'content-type': 'text/javascript; charset=utf-8' }))
    .get('/:kind', run, async (c) => {
      const kind = parseWith(ExportKind, c.req.param('kind'), 'path');
      const query = parseQuery(c, ExportQuery);
      const actor = c.get('actor');
      const file = await runExport(deps, { actor, audit: actor }, { kind, query, generatedBy: actor.displayName });
      // Signed once its last byte is out; the header says where to fetch the manifest then.
      const signed = await manifestFor(deps.db, deps.config.serverSecret, file.subject, file.body, { userId: actor.userId, unitId: file.subject.scope.unitId, at: deps.clock.now() });
      // The report opens in the browser to be printed; the spreadsheets download.
      const disposition = kind === 'report' ? 'inline' : 'attachment';
      return c.body(signed.body, 200, {
        'content-type': file.contentType,
        'content-disposition': `${disposition}; filename="${file.fileName}"`,
        'x-export-manifest': `/api/admin/export-manifests/${signed.id}`,
      });
    });
}
