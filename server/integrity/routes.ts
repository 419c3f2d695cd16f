import { Hono } from 'hono';
import { requirePermission, type AuthEnv } from '../auth/middleware.js';
import type { Deps } from '../deps.js';
import { AppError } from '../http.js';
import { ExportManifest } from './manifest.js';

/**
 * /api/admin/export-manifests: the signed manifests of the caller's own exports, newest first, to
 * download beside each file (the export answers with X-Export-Manifest naming its own).
 */
export function exportManifestRoutes(deps: Deps) {
  const run = requirePermission('exports.run');
  return new Hono<AuthEnv>()
    .get('/', run, async (c) => {
      const rows = await deps.db.kysely
        .selectFrom('export_manifests')
        .select(['id', 'created_at', 'manifest'])
        .where('actor_user_id', '=', c.get('actor').userId)
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(20)
        .execute();
      return c.json({
        manifests: rows.map((r) => {
          const m = r.manifest === null ? null : ExportManifest.parse(JSON.parse(r.manifest));
          return { id: r.id, createdAt: r.created_at, ready: m !== null, fileName: m?.file.name ?? null, kind: m?.kind ?? null, scope: m?.scope.name ?? null, period: m?.period ?? null };
        }),
      });
    })
    .get('/:id', run, async (c) => {
      const row = await deps.db.kysely
        .selectFrom('export_manifests')
        .select('manifest')
        .where('id', '=', c.req.param('id'))
        .where('actor_user_id', '=', c.get('actor').userId)
        .executeTakeFirst();
      if (!row) throw new AppError('not_found', 404, 'No export of yours has this manifest');
      if (row.manifest === null) throw new AppError('not_found', 404, 'The export is not complete yet: its manifest follows its last byte');
      const manifest = ExportManifest.parse(JSON.parse(row.manifest));
      return c.body(`${JSON.stringify(manifest, null, 2)}\n`, 200, {
        'content-type': 'application/json; charset=utf-8',
        'content-disposition': `attachment; filename="${manifest.file.name}.manifest.json"`,
      });
    });
}
