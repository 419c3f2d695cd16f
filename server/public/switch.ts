import type { PublicPageEntry, PublicPageList, PublicPageSwitch } from '../../schema/public-page.js';
import type { Actor } from '../auth/actor.js';
import { assertUnitInScope, pathScopeCondition } from '../auth/scope.js';
import { recordAudit } from '../audit/record.js';
import type { Deps } from '../deps.js';
import { AppError } from '../http.js';
import { signingKey } from '../integrity/signing.js';
import { PUBLIC_PAGE_SETTING, publicPageEnabled } from './data.js';

/** A province turns its public page on or off (settings.write on the province); every change is audited. */

function entry(base: string, p: { id: string; code: string; name: string }, enabled: boolean): PublicPageEntry {
  const page = `${base}/public/${p.code}`;
  return { provinceId: p.id, code: p.code, name: p.name, enabled, pageUrl: page, embedUrl: `${page}/embed`, csvUrl: `${page}/sipas.csv`, jsonUrl: `${page}/sipas.json` };
}

export async function listPublicPages(deps: Deps, actor: Actor): Promise<PublicPageList> {
  const db = deps.db.kysely;
  const provinces = await db
    .selectFrom('units')
    .select(['id', 'code', 'name'])
    .where('kind', '=', 'province')
    .where(pathScopeCondition(actor, 'path', 'settings.write'))
    .orderBy('code')
    .execute();
  const pages: PublicPageEntry[] = [];
  for (const p of provinces) pages.push(entry(deps.config.publicBaseUrl, p, await publicPageEnabled(db, p.id)));
  return { pages, signingKeyUrl: `${deps.config.publicBaseUrl}/public/signing-key.pem`, keyId: signingKey(deps.config.serverSecret).keyId };
}

export async function switchPublicPage(deps: Deps, actor: Actor, provinceId: string, input: PublicPageSwitch): Promise<PublicPageEntry> {
  const province = await assertUnitInScope(deps.db.kysely, actor, provinceId, 'settings.write');
  if (province.kind !== 'province') throw new AppError('validation_failed', 400, 'Only a province has a public page', [{ path: ['provinceId'], message: 'not a province' }]);
  const now = deps.clock.now();
  await deps.db.write(async (tx) => {
    const before = await publicPageEnabled(tx, province.id);
    if (before === input.enabled) return;
    await tx
      .insertInto('settings')
      .values({ unit_id: province.id, key: PUBLIC_PAGE_SETTING, value: input.enabled ? 'on' : 'off', updated_at: now.toISOString() })
      .onConflict((oc) => oc.columns(['unit_id', 'key']).doUpdateSet({ value: input.enabled ? 'on' : 'off', updated_at: now.toISOString() }))
      .execute();
    await recordAudit(tx, {
      actor,
      action: 'public_page.update',
      entity: 'setting',
      entityId: `${province.id}:${PUBLIC_PAGE_SETTING}`,
      unitId: province.id,
      before: { enabled: before },
      after: { enabled: input.enabled },
      at: now,
    });
  });
  return entry(deps.config.publicBaseUrl, province, input.enabled);
}
