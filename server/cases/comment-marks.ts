import { DEFAULT_COMMENT_TAGS, type CommentMark, type CommentMarkUpdate, type CommentTags } from '../../schema/alerts.js';
import type { Actor } from '../auth/actor.js';
import { assertUnitInScope, unitScopeCondition } from '../auth/scope.js';
import { recordAudit } from '../audit/record.js';
import type { Db } from '../db/types.js';
import type { Deps } from '../deps.js';
import { AppError } from '../http.js';

/** The settings key of a province's comment topic tags (JSON array of labels). */
export const COMMENT_TAGS_KEY = 'comment_tags';

async function provinceOf(db: Db, unitId: string): Promise<string> {
  const unit = await db.selectFrom('units').select('province_id').where('id', '=', unitId).executeTakeFirstOrThrow();
  return unit.province_id;
}

async function tagsOfProvince(db: Db, provinceId: string): Promise<string[]> {
  const row = await db.selectFrom('settings').select('value').where('unit_id', '=', provinceId).where('key', '=', COMMENT_TAGS_KEY).executeTakeFirst();
  return row ? (JSON.parse(row.value) as string[]) : [...DEFAULT_COMMENT_TAGS];
}

/** The topic tags of the province of a unit the caller may read. */
export async function commentTags(deps: Deps, actor: Actor, unitId: string): Promise<CommentTags> {
  const db = deps.db.kysely;
  await assertUnitInScope(db, actor, unitId, 'dashboard.read');
  const provinceId = await provinceOf(db, unitId);
  return { unitId: provinceId, tags: await tagsOfProvince(db, provinceId) };
}

/** Replaces a province's tag list (provincial officers: settings.write on the province). */
export async function setCommentTags(deps: Deps, actor: Actor, provinceId: string, tags: readonly string[]): Promise<CommentTags> {
  const at = deps.clock.now();
  const unique = [...new Set(tags)];
  await deps.db.write(async (tx) => {
    const unit = await assertUnitInScope(tx, actor, provinceId, 'settings.write');
    if (unit.kind !== 'province') throw new AppError('validation_failed', 400, 'Tags are kept per province', [{ path: ['unitId'], message: 'not a province' }]);
    const before = await tagsOfProvince(tx, provinceId);
    const value = JSON.stringify(unique);
    await tx
      .insertInto('settings')
      .values({ unit_id: provinceId, key: COMMENT_TAGS_KEY, value, updated_at: at.toISOString() })
      .onConflict((oc) => oc.columns(['unit_id', 'key']).doUpdateSet({ value, updated_at: at.toISOString() }))
      .execute();
    await recordAudit(tx, { actor, action: 'comment_tags.update', entity: 'settings', entityId: COMMENT_TAGS_KEY, unitId: provinceId, before, after: unique, at });
  });
  return { unitId: provinceId, tags: unique };
}

/** The marks of these answers' comments (absent: no tag, not handled). */
export async function commentMarksOf(db: Db, responseIds: readonly string[]): Promise<Map<string, CommentMark & { caseId: string | null }>> {
  if (responseIds.length === 0) return new Map();
  const [marks, cases] = await Promise.all([
    db.selectFrom('comment_marks').selectAll().where('response_id', 'in', [...responseIds]).execute(),
    db.selectFrom('case_responses').select(['response_id', 'case_id']).where('response_id', 'in', [...responseIds]).execute(),
  ]);
  const caseOf = new Map(cases.map((c) => [c.response_id, c.case_id]));
  const out = new Map<string, CommentMark & { caseId: string | null }>();
  for (const id of responseIds) {
    const mark = marks.find((m) => m.response_id === id);
    out.set(id, {
      responseId: id,
      tags: mark ? (JSON.parse(mark.tags) as string[]) : [],
      handled: mark?.handled_at != null,
      handledAt: mark?.handled_at ?? null,
      caseId: caseOf.get(id) ?? null,
    });
  }
  return out;
}

/** Tags a comment with its province's topics and/or marks it handled; audited. */
export async function markComment(deps: Deps, actor: Actor, responseId: string, update: CommentMarkUpdate): Promise<CommentMark> {
  const at = deps.clock.now();
  return deps.db.write(async (tx) => {
    const response = await tx
      .selectFrom('responses')
      .select(['id', 'unit_id', 'comment'])
      .where('id', '=', responseId)
      .where(unitScopeCondition(actor, 'responses.unit_id', 'surveys.write'))
      .executeTakeFirst();
    if (!response || response.comment === null) throw new AppError('not_found', 404, 'No such comment in your area');
    const before = (await commentMarksOf(tx, [responseId])).get(responseId)!;
    const tags = update.tags === undefined ? before.tags : [...new Set(update.tags)];
    if (update.tags !== undefined) {
      const allowed = await tagsOfProvince(tx, await provinceOf(tx, response.unit_id));
      const unknown = tags.filter((t) => !allowed.includes(t));
      if (unknown.length) throw new AppError('validation_failed', 400, 'Unknown tag', [{ path: ['tags'], message: `not in the province's list: ${unknown.join(', ')}` }]);
    }
    const handledAt = update.handled === undefined ? before.handledAt : update.handled ? (before.handledAt ?? at.toISOString()) : null;
    const row = { response_id: responseId, unit_id: response.unit_id, tags: JSON.stringify(tags), handled_at: handledAt, updated_at: at.toISOString() };
    await tx
      .insertInto('comment_marks')
      .values(row)
      .onConflict((oc) => oc.column('response_id').doUpdateSet({ tags: row.tags, handled_at: row.handled_at, updated_at: row.updated_at }))
      .execute();
    const after: CommentMark = { responseId, tags, handled: handledAt !== null, handledAt };
    await recordAudit(tx, { actor, action: 'comment.mark', entity: 'response', entityId: responseId, unitId: response.unit_id, before: { tags: before.tags, handled: before.handled }, after: { tags, handled: after.handled }, at });
    return after;
  });
}
