import { sql, type Expression, type SqlBool } from 'kysely';
import type { CommentItem, CommentPage, CommentsQuery } from '../../schema/dashboard.js';
import type { LocalizedText } from '../../schema/instrument.js';
import type { Actor } from '../auth/actor.js';
import type { Dialect } from '../db/database.js';
import type { Deps } from '../deps.js';
import { likeContains } from '../units/views.js';
import { commentMarksOf } from '../cases/index.js';
import { itemLabel, resolvedPeriod, setupView } from './context.js';

/** One answer inside responses.answers (JSON text), as an integer or null; the code is bound, never spliced. */
function answerOf(dialect: Dialect, code: string): Expression<number | null> {
  return dialect === 'postgres'
    ? sql<number | null>`(answers::jsonb ->> ${code})::int`
    : sql<number | null>`json_extract(answers, ${`$."${code}"`})`;
}

/**
 * Citizens' comments with their ratings, newest first, a page at a time. This is the one dashboard
 * read of the responses table: it filters on (unit_id, local_day) first, which the
 * responses_unit_day index serves, and leaves out suspect responses as the rollups do. Comments
 * are returned as stored; the UI renders them as text.
 */
export async function dashboardComments(deps: Deps, actor: Actor, query: CommentsQuery): Promise<CommentPage> {
  const setup = await setupView(deps, actor, query);
  const { scope, period, filter, instrument } = setup;
  const db = deps.db.kysely;
  const unit = setup.context.unit;
  const labels: Record<string, LocalizedText> = {};
  for (const item of instrument?.definition.items ?? []) labels[item.code] = itemLabel(instrument!, item.code);
  const empty: CommentPage = { period: resolvedPeriod(period), unit, instrumentId: instrument?.id ?? null, items: [], total: 0, limit: query.limit, offset: query.offset, labels };
  if (scope.unitIds.length === 0 || !instrument) return empty;
  const scored = instrument.definition.items.filter((i) => i.scale === 'scale5').map((i) => i.code);
  if (query.criterion !== undefined && !instrument.definition.items.some((i) => i.code === query.criterion)) return empty;
  const lowOn = query.maxScore === undefined ? [] : query.criterion !== undefined ? [query.criterion] : scored;

  const base = db
    .selectFrom('responses as r')
    .where('r.unit_id', 'in', scope.unitIds)
    .where('r.local_day', '>=', period.from)
    .where('r.local_day', '<=', period.to)
    .where('r.comment', 'is not', null)
    .where('r.suspect', '=', 0)
    .where('r.instrument_id', '=', instrument.id)
    .$if(filter.counterId !== undefined, (q) => q.where('r.counter_id', '=', filter.counterId!))
    .$if(filter.staffId !== undefined, (q) => q.where('r.staff_id', '=', filter.staffId!))
    .$if(filter.procedureId !== undefined, (q) => q.where('r.procedure_id', '=', filter.procedureId!))
    .$if(filter.procedureIds !== undefined, (q) => q.where('r.procedure_id', 'in', filter.procedureIds!.length ? [...filter.procedureIds!] : ['']))
    .$if(filter.channel !== undefined, (q) => q.where('r.channel', '=', filter.channel as CommentItem['channel']))
    .$if(query.q !== undefined, (q) => q.where(sql<SqlBool>`r.comment like ${likeContains(query.q!)} escape '\\'`))
    .$if(lowOn.length > 0, (q) => q.where((eb) => eb.or(lowOn.map((code) => eb(answerOf(deps.db.dialect, code), '<=', query.maxScore!)))));

  const [countRow, rows] = await Promise.all([
    base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirst(),
    base
      .select(['r.id', 'r.submitted_at', 'r.local_day', 'r.unit_id', 'r.counter_id', 'r.procedure_id', 'r.channel', 'r.instrument_id', 'r.answers', 'r.comment'])
      .orderBy('r.submitted_at', 'desc')
      .orderBy('r.id', 'desc')
      .limit(query.limit)
      .offset(query.offset)
      .execute(),
  ]);
  const counterIds = [...new Set(rows.map((r) => r.counter_id).filter((id): id is string => id !== null))];
  const procedureIds = [...new Set(rows.map((r) => r.procedure_id).filter((id): id is string => id !== null))];
  const provinces = [...new Set(scope.units.map((u) => u.provinceId))];
  const [counters, procedures, marks] = await Promise.all([
    counterIds.length ? db.selectFrom('counters').select(['id', 'code', 'name']).where('id', 'in', counterIds).where('unit_id', 'in', scope.unitIds).execute() : [],
    procedureIds.length
      ? db.selectFrom('procedures').select(['id', 'code', 'name', 'field']).where('id', 'in', procedureIds).where('province_id', 'in', provinces).execute()
      : [],
    commentMarksOf(db, rows.map((r) => r.id)),
  ]);
  const counterById = new Map(counters.map((c) => [c.id, c]));
  const procedureById = new Map(procedures.map((p) => [p.id, p]));
  const items: CommentItem[] = rows.map((r) => {
    const stored = JSON.parse(r.answers) as Record<string, unknown>;
    const ratings: Record<string, number | null> = {};
    for (const item of instrument.definition.items) {
      if (!(item.code in stored)) continue;
      const v = stored[item.code];
      ratings[item.code] = typeof v === 'number' && Number.isInteger(v) ? v : null;
    }
    const unitRow = scope.byId.get(r.unit_id)!;
    return {
      id: r.id,
      submittedAt: r.submitted_at,
      day: r.local_day,
      unit: { id: unitRow.id, name: unitRow.name },
      counter: (r.counter_id && counterById.get(r.counter_id)) || null,
      procedure: (r.procedure_id && procedureById.get(r.procedure_id)) || null,
      channel: r.channel,
      instrumentId: r.instrument_id,
      ratings,
      comment: r.comment!,
      tags: marks.get(r.id)!.tags,
      handled: marks.get(r.id)!.handled,
      caseId: marks.get(r.id)!.caseId,
    };
  });
  return { period: resolvedPeriod(period), unit, instrumentId: instrument.id, items, total: Number(countRow?.n ?? 0), limit: query.limit, offset: query.offset, labels };
}
