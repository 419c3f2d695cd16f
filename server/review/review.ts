import { sql, type Expression, type SqlBool } from 'kysely';
import type { LocalizedText } from '../../schema/instrument.js';
import {
  SUSPECT_REASONS,
  type ReviewCounts,
  type ReviewDecisionInput,
  type ReviewDecisionResult,
  type ReviewGroup,
  type ReviewItem,
  type ReviewPage,
  type ReviewQuery,
  type ReviewState,
  type SuspectReason,
} from '../../schema/review.js';
import type { Actor } from '../auth/actor.js';
import { assertUnitInScope, unitScopeCondition } from '../auth/scope.js';
import { recordAuditMany } from '../audit/record.js';
import { itemLabel } from '../dashboard/context.js';
import { subtreeCondition } from '../db/like.js';
import type { Db } from '../db/types.js';
import type { Deps } from '../deps.js';
import { AppError } from '../http.js';
import { getInstrument, listInstruments } from '../instruments/store.js';
import { applyRollupDeltas, binaryItemLookup, computeRollupDeltas, negateRollupDeltas, ROLLUP_SOURCE_COLUMNS, rollupSourceFromRow } from '../rollups/index.js';
import { pathInScope } from '../surveypoints/points.js';

/**
 * Answers ever flagged: still suspect (pending or rejected), or accepted after review. The same
 * expression as the partial index responses_flagged (migration 008), so SQLite uses that index.
 */
const FLAGGED = sql<SqlBool>`(r.suspect = 1 or r.review is not null)`;

function inState(state: ReviewState): Expression<SqlBool> {
  if (state === 'pending') return sql<SqlBool>`(r.suspect = 1 and r.review is null)`;
  return sql<SqlBool>`r.review = ${state}`;
}

const MAX_GROUPS = 50;

/** Responses of the flagged answers in the caller's area (optionally one unit's subtree). */
async function flaggedInArea(deps: Deps, actor: Actor, unitId: string | undefined) {
  const db = deps.db.kysely;
  let area = db.selectFrom('responses as r').where(FLAGGED).where(unitScopeCondition(actor, 'r.unit_id', 'surveys.read'));
  if (unitId !== undefined) {
    const unit = await assertUnitInScope(db, actor, unitId, 'surveys.read');
    area = area.where('r.unit_id', 'in', db.selectFrom('units').select('id').where(subtreeCondition('path', unit.path)));
  }
  return area;
}

const countOf = (n: number | string | null | undefined) => Number(n ?? 0);
const stateSum = (state: ReviewState) => sql<number | string | null>`sum(case when ${inState(state)} then 1 else 0 end)`;
const noReasons = (): Record<SuspectReason | 'other', number> => ({ address_limit: 0, device_limit: 0, kiosk_gap: 0, other: 0 });
const reasonKey = (reason: string | null): SuspectReason | 'other' =>
  (SUSPECT_REASONS as readonly string[]).includes(reason ?? '') ? (reason as SuspectReason) : 'other';

/** The UTC instants bounding a Vietnam-local hour (UTC+7 all year). */
function hourRange(day: string, hour: number): [string, string] {
  const start = new Date(`${day}T${String(hour).padStart(2, '0')}:00:00+07:00`);
  return [start.toISOString(), new Date(start.getTime() + 3600_000).toISOString()];
}

/**
 * The review list: counts of flagged answers by state and by reason, the hours (per survey point)
 * with most answers in the state asked for, and a page of those answers, newest first. Scoped to
 * the caller's units like every admin read; comments are returned as stored (the UI shows text).
 */
export async function listReview(deps: Deps, actor: Actor, query: ReviewQuery): Promise<ReviewPage> {
  const db = deps.db.kysely;
  const area = await flaggedInArea(deps, actor, query.unitId);
  const state = inState(query.status);

  const [totals, reasonRows, groupRows] = await Promise.all([
    area.select([stateSum('pending').as('pending'), stateSum('accepted').as('accepted'), stateSum('rejected').as('rejected')]).executeTakeFirst(),
    area
      .where(inState('pending'))
      .select(['r.suspect_reason', (eb) => eb.fn.countAll<number | string>().as('n')])
      .groupBy('r.suspect_reason')
      .execute(),
    area
      .where(state)
      .select(['r.survey_point_id', 'r.unit_id', 'r.local_day', 'r.local_hour', (eb) => eb.fn.countAll<number | string>().as('n')])
      .groupBy(['r.survey_point_id', 'r.unit_id', 'r.local_day', 'r.local_hour'])
      .orderBy('n', 'desc')
      .orderBy('r.local_day', 'desc')
      .orderBy('r.local_hour', 'desc')
      .limit(MAX_GROUPS)
      .execute(),
  ]);
  const counts: ReviewCounts = { pending: countOf(totals?.pending), accepted: countOf(totals?.accepted), rejected: countOf(totals?.rejected) };
  const reasons = noReasons();
  for (const row of reasonRows) reasons[reasonKey(row.suspect_reason)] += countOf(row.n);

  let items = area.where(state);
  if (query.surveyPointId !== undefined) items = items.where('r.survey_point_id', '=', query.surveyPointId);
  if (query.day !== undefined) items = items.where('r.local_day', '=', query.day);
  if (query.hour !== undefined) items = items.where('r.local_hour', '=', query.hour);
  const [itemTotal, itemRows] = await Promise.all([
    items.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirst(),
    items
      .select([
        'r.id',
        'r.submitted_at',
        'r.local_day',
        'r.local_hour',
        'r.unit_id',
        'r.counter_id',
        'r.survey_point_id',
        'r.channel',
        'r.instrument_id',
        'r.suspect',
        'r.suspect_reason',
        'r.review',
        'r.reviewed_at',
        'r.answers',
        'r.comment',
      ])
      .orderBy('r.submitted_at', 'desc')
      .orderBy('r.id', 'desc')
      .limit(query.limit)
      .offset(query.offset)
      .execute(),
  ]);

  const groups = await describeGroups(db, groupRows, area);
  const names = await namesOf(db, {
    unitIds: itemRows.map((r) => r.unit_id),
    counterIds: itemRows.map((r) => r.counter_id),
    pointIds: itemRows.map((r) => r.survey_point_id),
  });
  const labels: Record<string, LocalizedText> = {};
  for (const instrumentId of new Set(itemRows.map((r) => r.instrument_id))) {
    const instrument = await getInstrument(db, instrumentId);
    for (const item of instrument?.definition.items ?? []) labels[item.code] = itemLabel(instrument!, item.code);
  }
  const reviewItems: ReviewItem[] = itemRows.map((r) => ({
    id: r.id,
    submittedAt: r.submitted_at,
    day: r.local_day,
    hour: r.local_hour,
    unit: { id: r.unit_id, name: names.units.get(r.unit_id) ?? r.unit_id },
    counter: (r.counter_id !== null && names.counters.get(r.counter_id)) || null,
    surveyPointId: r.survey_point_id,
    pointCode: (r.survey_point_id !== null && names.points.get(r.survey_point_id)) || null,
    channel: r.channel,
    instrumentId: r.instrument_id,
    reason: r.suspect_reason,
    status: r.review === 'accepted' ? 'accepted' : r.review === 'rejected' ? 'rejected' : 'pending',
    reviewedAt: r.reviewed_at,
    ratings: ratingsOf(r.answers),
    comment: r.comment,
  }));
  return { counts, reasons, groups, items: reviewItems, total: countOf(itemTotal?.n), limit: query.limit, offset: query.offset, labels };
}

function ratingsOf(answers: string): Record<string, number | null> {
  const stored = JSON.parse(answers) as Record<string, unknown>;
  const ratings: Record<string, number | null> = {};
  for (const [code, value] of Object.entries(stored)) ratings[code] = typeof value === 'number' && Number.isInteger(value) ? value : null;
  return ratings;
}

type GroupRow = { survey_point_id: string | null; unit_id: string; local_day: string; local_hour: number };
type Area = Awaited<ReturnType<typeof flaggedInArea>>;

/**
 * Each group's answers by state and pending reason, and how many answers of that point and hour
 * count in the scores (an index range on responses_point_submitted per group).
 */
async function describeGroups(db: Db, rows: GroupRow[], area: Area): Promise<ReviewGroup[]> {
  if (rows.length === 0) return [];
  const names = await namesOf(db, { unitIds: rows.map((r) => r.unit_id), counterIds: [], pointIds: rows.map((r) => r.survey_point_id) });
  const pointCounters = await pointCountersOf(db, rows.map((r) => r.survey_point_id));
  return Promise.all(
    rows.map(async (row) => {
      const ofGroup = area
        .where('r.unit_id', '=', row.unit_id)
        .where('r.local_day', '=', row.local_day)
        .where('r.local_hour', '=', row.local_hour)
        .where(row.survey_point_id === null ? sql<SqlBool>`r.survey_point_id is null` : sql<SqlBool>`r.survey_point_id = ${row.survey_point_id}`);
      const [byState, byReason, counted] = await Promise.all([
        ofGroup.select([stateSum('pending').as('pending'), stateSum('accepted').as('accepted'), stateSum('rejected').as('rejected')]).executeTakeFirst(),
        ofGroup
          .where(inState('pending'))
          .select(['r.suspect_reason', (eb) => eb.fn.countAll<number | string>().as('n')])
          .groupBy('r.suspect_reason')
          .execute(),
        row.survey_point_id === null ? undefined : countedInHour(db, row.survey_point_id, row.local_day, row.local_hour),
      ]);
      const reasons = noReasons();
      for (const r of byReason) reasons[reasonKey(r.suspect_reason)] += countOf(r.n);
      return {
        surveyPointId: row.survey_point_id,
        pointCode: (row.survey_point_id !== null && names.points.get(row.survey_point_id)) || null,
        unit: { id: row.unit_id, name: names.units.get(row.unit_id) ?? row.unit_id },
        counter: (row.survey_point_id !== null && pointCounters.get(row.survey_point_id)) || null,
        day: row.local_day,
        hour: row.local_hour,
        pending: countOf(byState?.pending),
        accepted: countOf(byState?.accepted),
        rejected: countOf(byState?.rejected),
        reasons,
        counted: counted ?? 0,
      };
    }),
  );
}

async function countedInHour(db: Db, surveyPointId: string, day: string, hour: number): Promise<number> {
  const [from, to] = hourRange(day, hour);
  const row = await db
    .selectFrom('responses')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('survey_point_id', '=', surveyPointId)
    .where('submitted_at', '>=', from)
    .where('submitted_at', '<', to)
    .where('suspect', '=', 0)
    .executeTakeFirst();
  return countOf(row?.n);
}

const present = (ids: (string | null)[]) => [...new Set(ids.filter((id): id is string => id !== null))];

async function namesOf(db: Db, ids: { unitIds: string[]; counterIds: (string | null)[]; pointIds: (string | null)[] }) {
  const [unitIds, counterIds, pointIds] = [present(ids.unitIds), present(ids.counterIds), present(ids.pointIds)];
  const [units, counters, points] = await Promise.all([
    unitIds.length ? db.selectFrom('units').select(['id', 'name']).where('id', 'in', unitIds).execute() : [],
    counterIds.length ? db.selectFrom('counters').select(['id', 'code', 'name']).where('id', 'in', counterIds).execute() : [],
    pointIds.length ? db.selectFrom('survey_points').select(['id', 'code']).where('id', 'in', pointIds).execute() : [],
  ]);
  return {
    units: new Map(units.map((u) => [u.id, u.name])),
    counters: new Map(counters.map((c) => [c.id, { code: c.code, name: c.name }])),
    points: new Map(points.map((p) => [p.id, p.code])),
  };
}

async function pointCountersOf(db: Db, pointIds: (string | null)[]) {
  const ids = present(pointIds);
  if (ids.length === 0) return new Map<string, { code: string; name: string }>();
  const rows = await db
    .selectFrom('survey_points as sp')
    .innerJoin('counters as c', 'c.id', 'sp.counter_id')
    .select(['sp.id', 'c.code', 'c.name'])
    .where('sp.id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.id, { code: r.code, name: r.name }]));
}


/**
 * Accepts (counts in every score from now on) or rejects (keeps out) flagged answers, each change
 * audited with its before and after. Only answers the anti-abuse rules flagged can be reviewed,
 * never an ordinary one, and only inside the caller's area (surveys.write); otherwise nothing
 * changes. The rollups move with the flag in the same transaction, so they keep matching what
 * `npm run rollup:rebuild` computes from the responses. Each transition is a conditional UPDATE
 * (RETURNING the rows it changed), so two reviewers deciding at once never count an answer twice.
 */
export async function decideReview(deps: Deps, actor: Actor, input: ReviewDecisionInput): Promise<ReviewDecisionResult> {
  return deps.db.write(async (tx) => {
    const found = await tx
      .selectFrom('responses as r')
      .innerJoin('units as u', 'u.id', 'r.unit_id')
      .select(['r.id', 'r.unit_id', 'u.path', 'r.suspect', 'r.suspect_reason', 'r.review'])
      .where('r.id', 'in', input.ids)
      .execute();
    if (found.length !== input.ids.length) {
      const known = new Set(found.map((r) => r.id));
      throw new AppError('not_found', 404, `No response ${input.ids.find((id) => !known.has(id))}`);
    }
    if (found.some((r) => !pathInScope(actor, r.path, 'surveys.write'))) {
      throw new AppError('forbidden_unit', 403, 'Some of these answers belong to units outside your area');
    }
    const ordinary = found.find((r) => r.suspect === 0 && r.review === null);
    if (ordinary) throw new AppError('conflict', 409, `Response ${ordinary.id} was never flagged; only flagged answers are reviewed`);

    const at = deps.clock.now();
    const reviewedAt = at.toISOString();
    const ids = input.ids;
    let changedIds: string[];
    if (input.decision === 'accept') {
      const accepted = await tx
        .updateTable('responses')
        .set({ suspect: 0, review: 'accepted', reviewed_at: reviewedAt })
        .where('id', 'in', ids)
        .where('suspect', '=', 1)
        .returning(['id', ...ROLLUP_SOURCE_COLUMNS])
        .execute();
      await moveRollups(tx, accepted, 'add');
      changedIds = accepted.map((r) => r.id);
    } else {
      const pending = await tx
        .updateTable('responses')
        .set({ review: 'rejected', reviewed_at: reviewedAt })
        .where('id', 'in', ids)
        .where('suspect', '=', 1)
        .where('review', 'is', null)
        .returning('id')
        .execute();
      const withdrawn = await tx
        .updateTable('responses')
        .set({ suspect: 1, review: 'rejected', reviewed_at: reviewedAt })
        .where('id', 'in', ids)
        .where('review', '=', 'accepted')
        .where('suspect', '=', 0)
        .returning(['id', ...ROLLUP_SOURCE_COLUMNS])
        .execute();
      await moveRollups(tx, withdrawn, 'subtract');
      changedIds = [...pending, ...withdrawn].map((r) => r.id);
    }
    const before = new Map(found.map((r) => [r.id, r]));
    const review = input.decision === 'accept' ? 'accepted' : 'rejected';
    await recordAuditMany(
      tx,
      changedIds.map((id) => {
        const was = before.get(id)!;
        return {
          actor,
          at,
          action: `response.review_${input.decision}`,
          entity: 'response',
          entityId: id,
          unitId: was.unit_id,
          before: { suspect: was.suspect === 1, review: was.review, reason: was.suspect_reason },
          after: { suspect: review === 'rejected', review, reason: was.suspect_reason },
        };
      }),
    );
    return { decision: input.decision, changed: changedIds.length, unchanged: ids.length - changedIds.length };
  });
}

/** Adds answers to every rollup table (accepted), or takes them out again (an acceptance withdrawn). */
async function moveRollups(tx: Db, rows: Parameters<typeof rollupSourceFromRow>[0][], direction: 'add' | 'subtract'): Promise<void> {
  if (rows.length === 0) return;
  const sources = rows.map((row) => ({ ...rollupSourceFromRow(row), suspect: false }));
  const deltas = computeRollupDeltas(sources, binaryItemLookup(await listInstruments(tx)));
  await applyRollupDeltas(tx, direction === 'add' ? deltas : negateRollupDeltas(deltas));
}
