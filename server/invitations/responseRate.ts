import { sql } from 'kysely';
import type { Deps } from '../deps.js';
import type { Actor } from '../auth/actor.js';
import { assertUnitInScope, pathScopeCondition } from '../auth/scope.js';
import { subtreeCondition } from '../db/like.js';
import type { ResponseRateQuery, ResponseRateResult, ResponseRateRow } from '../../schema/invitations.js';

const rate = (answered: number, issued: number) => (issued === 0 ? null : answered / issued);

/**
 * Invitations issued in [from, to] (Vietnam-local issue day) against those answered, grouped by
 * any of unit, counter, procedure, staff, day, month — so non-response sits next to every score.
 * An invitation counts as answered whenever it was used, even after `to`: the cohort is the issue day.
 */
export async function responseRate(
  { db, clock }: Deps,
  actor: Actor,
  query: ResponseRateQuery,
): Promise<ResponseRateResult> {
  const unit = query.unitId ? await assertUnitInScope(db.kysely, actor, query.unitId, 'dashboard.read') : undefined;
  const dims = new Set(query.groupBy);
  const nowIso = clock.now().toISOString();
  const month = sql<string>`substr(i.issued_day, 1, 7)`;

  const rows = await db.kysely
          .selectFrom('invitations as i')
          .innerJoin('units as u', 'u.id', 'i.unit_id')
          .leftJoin('counters as c', 'c.id', 'i.counter_id')
          .leftJoin('procedures as p', 'p.id', 'i.procedure_id')
          .leftJoin('staff as s', 's.id', 'i.staff_id')
          .where('i.issued_day', '>=', query.from)
          .where('i.issued_day', '<=', query.to)
          .where(pathScopeCondition(actor, 'u.path', 'dashboard.read'))
          .$if(unit !== undefined, (q) => q.where(subtreeCondition('u.path', unit!.path)))
          .select((eb) => [
            eb.fn.countAll<number | string>().as('issued'),
            eb.fn.count<number | string>('i.used_at').as('answered'),
            eb.fn
              .sum<number | string | null>(
                eb
                  .case()
                  .when(eb.and([eb('i.used_at', 'is', null), eb('i.expires_at', '<=', nowIso)]))
                  .then(1)
                  .else(0)
                  .end(),
              )
              .as('expired'),
          ])
          .$if(dims.has('unit'), (q) => q.select(['u.id as unit_id', 'u.name as unit_name']).groupBy(['u.id', 'u.name']).orderBy('u.name').orderBy('u.id'))
          .$if(dims.has('counter'), (q) =>
            q.select(['i.counter_id', 'c.name as counter_name']).groupBy(['i.counter_id', 'c.name', 'c.code']).orderBy(sql`coalesce(c.code, '')`),
          )
          .$if(dims.has('procedure'), (q) =>
            q
              .select(['i.procedure_id', 'p.code as procedure_code', 'p.name as procedure_name'])
              .groupBy(['i.procedure_id', 'p.code', 'p.name'])
              .orderBy(sql`coalesce(p.code, '')`),
          )
          .$if(dims.has('staff'), (q) => q.select(['i.staff_id', 's.name as staff_name']).groupBy(['i.staff_id', 's.name']).orderBy(sql`coalesce(s.name, '')`))
          .$if(dims.has('day'), (q) => q.select('i.issued_day').groupBy('i.issued_day').orderBy('i.issued_day'))
          .$if(dims.has('month'), (q) => q.select(month.as('issued_month')).groupBy(month).orderBy(month))
          .execute();

  const out: ResponseRateRow[] = rows.map((r) => {
    const issued = Number(r.issued);
    const answered = Number(r.answered);
    const expired = Number(r.expired ?? 0);
    return {
      ...(dims.has('unit') && { unitId: r.unit_id!, unitName: r.unit_name! }),
      ...(dims.has('counter') && { counterId: r.counter_id ?? null, counterName: r.counter_name ?? null }),
      ...(dims.has('procedure') && {
        procedureId: r.procedure_id ?? null,
        procedureCode: r.procedure_code ?? null,
        procedureName: r.procedure_name ?? null,
      }),
      ...(dims.has('staff') && { staffId: r.staff_id ?? null, staffName: r.staff_name ?? null }),
      ...(dims.has('day') && { period: r.issued_day! }),
      ...(dims.has('month') && { period: r.issued_month! }),
      issued,
      answered,
      expired,
      pending: issued - answered - expired,
      rate: rate(answered, issued),
    };
  });
  const sum = (k: 'issued' | 'answered' | 'expired' | 'pending') => out.reduce((n, r) => n + r[k], 0);
  const total = { issued: sum('issued'), answered: sum('answered'), expired: sum('expired'), pending: sum('pending') };
  return { from: query.from, to: query.to, groupBy: [...dims], rows: out, total: { ...total, rate: rate(total.answered, total.issued) } };
}
