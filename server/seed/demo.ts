import type { Deps } from '../deps.js';
import type { Channel, Db, NewResponse, UnitKind } from '../db/types.js';
import { newId, newSurveyCode } from '../ids.js';
import { ensureBuiltinInstruments } from '../instruments/store.js';
import { insertChained, type ChainableAnswer } from '../db/answer-chain.js';
import { applyRollupDeltas, computeRollupDeltas, type RollupSource } from '../rollups/index.js';
import { addDays, vnLocalParts } from '../time.js';
import {
  DEMO_AGENCIES,
  DEMO_COMMUNES,
  DEMO_COUNTERS,
  DEMO_PROCEDURES,
  DEMO_PROVINCE,
  DEMO_PROVINCIAL_CENTRE,
  DEMO_SURVEY_CODE,
  DEMO_SURVEY_POINT_UNIT_CODE,
  NEGATIVE_COMMENTS,
  NEUTRAL_COMMENTS,
  POSITIVE_COMMENTS,
  demoStaffName,
} from './demo-data.js';
import { SeededRandom } from './random.js';

export const DEMO_INSTRUMENT_ID = 'QUAY@1';

interface DemoCounter {
  id: string;
  code: string;
  surveyPointId: string;
  surveyCode: string;
  staffIds: string[];
  procedureIds: string[];
}

interface DemoCentre {
  id: string;
  path: string;
  code: string;
  name: string;
  /** Relative share of the province's responses. */
  volume: number;
  counters: DemoCounter[];
  weak?: { criterion: string; counterIndex: number; procedureIds: Set<string> };
}

export interface DemoReference {
  provinceId: string;
  centres: DemoCentre[];
  procedures: { id: string; code: string; field: string }[];
}

/** Units, counters, staff, procedures, instruments and survey points of the demo province. */
export async function seedReference(deps: Deps): Promise<DemoReference> {
  await ensureBuiltinInstruments(deps.db.kysely, deps.clock);
  const now = deps.clock.now().toISOString();
  return deps.db.write(async (tx) => {
    const stamp = { created_at: now, updated_at: now };
    const addUnit = async (kind: UnitKind, code: string, name: string, parent: { id: string; path: string } | null) => {
      const id = newId();
      const path = `${parent?.path ?? '/'}${id}/`;
      const provinceId = parent ? path.split('/')[1]! : id;
      await tx
        .insertInto('units')
        .values({ id, parent_id: parent?.id ?? null, kind, code, name, path, province_id: provinceId, ...stamp })
        .execute();
      return { id, path };
    };
    const province = await addUnit('province', DEMO_PROVINCE.code, DEMO_PROVINCE.name, null);
    const procedures = DEMO_PROCEDURES.map((p) => ({ id: newId(), ...p }));
    await tx
      .insertInto('procedures')
      .values(procedures.map((p) => ({ id: p.id, province_id: province.id, code: p.code, name: p.name, field: p.field, ...stamp })))
      .execute();
    for (const agency of DEMO_AGENCIES) await addUnit('agency', agency.code, agency.name, province);

    const centreSpecs: { unit: { id: string; path: string }; code: string; name: string; volume: number; weak?: (typeof DEMO_COMMUNES)[number]['weak'] }[] = [];
    const provincial = await addUnit('centre', DEMO_PROVINCIAL_CENTRE.code, DEMO_PROVINCIAL_CENTRE.name, province);
    centreSpecs.push({ unit: provincial, code: DEMO_PROVINCIAL_CENTRE.code, name: DEMO_PROVINCIAL_CENTRE.name, volume: 3 });
    for (const branch of DEMO_PROVINCIAL_CENTRE.branches) {
      centreSpecs.push({ unit: await addUnit('branch', branch.code, branch.name, provincial), ...branch, volume: 1.5 });
    }
    for (const commune of DEMO_COMMUNES) {
      const communeUnit = await addUnit('commune', commune.code, commune.name, province);
      const centreName = `Trung tâm Phục vụ hành chính công ${commune.name.replace(/^Phường/, 'phường').replace(/^Xã/, 'xã')}`;
      const code = `${commune.code}-TTPVHCC`;
      centreSpecs.push({ unit: await addUnit('centre', code, centreName, communeUnit), code, name: centreName, volume: 1, weak: commune.weak });
    }

    let staffIndex = 0;
    const centres: DemoCentre[] = [];
    for (const spec of centreSpecs) {
      const counters: DemoCounter[] = [];
      for (const counterSpec of DEMO_COUNTERS) {
        const counterId = newId();
        await tx
          .insertInto('counters')
          .values({ id: counterId, unit_id: spec.unit.id, code: counterSpec.code, name: counterSpec.name, ...stamp })
          .execute();
        const staffIds: string[] = [];
        for (let s = 0; s < 2; s++) {
          const id = newId();
          staffIndex++;
          await tx
            .insertInto('staff')
            .values({ id, province_id: province.id, code: `CB${String(staffIndex).padStart(4, '0')}`, name: demoStaffName(staffIndex), ...stamp })
            .execute();
          staffIds.push(id);
        }
        const surveyPointId = newId();
        const surveyCode = spec.code === DEMO_SURVEY_POINT_UNIT_CODE && counterSpec.code === 'Q1' ? DEMO_SURVEY_CODE : newSurveyCode();
        // The documented Q1 point of Giá Rai shows the call-back offer after a low rating.
        await tx
          .insertInto('survey_points')
          .values({
            id: surveyPointId,
            code: surveyCode,
            unit_id: spec.unit.id,
            counter_id: counterId,
            instrument_id: DEMO_INSTRUMENT_ID,
            status: 'open',
            callback_offered: surveyCode === DEMO_SURVEY_CODE ? 1 : 0,
            ...stamp,
          })
          .execute();
        counters.push({
          id: counterId,
          code: counterSpec.code,
          surveyPointId,
          surveyCode,
          staffIds,
          procedureIds: procedures.filter((p) => counterSpec.fields.includes(p.field)).map((p) => p.id),
        });
      }
      await tx
        .insertInto('survey_points')
        .values({ id: newId(), code: newSurveyCode(), unit_id: spec.unit.id, counter_id: null, instrument_id: DEMO_INSTRUMENT_ID, status: 'open', ...stamp })
        .execute();
      centres.push({
        id: spec.unit.id,
        path: spec.unit.path,
        code: spec.code,
        name: spec.name,
        volume: spec.volume,
        counters,
        ...(spec.weak && {
          weak: {
            criterion: spec.weak.criterion,
            counterIndex: spec.weak.counterIndex,
            procedureIds: new Set(procedures.filter((p) => p.field === spec.weak!.procedureField).map((p) => p.id)),
          },
        }),
      });
    }
    return { provinceId: province.id, centres, procedures: procedures.map(({ id, code, field }) => ({ id, code, field })) };
  });
}

const CRITERIA = ['QUAY.1', 'QUAY.2', 'QUAY.3', 'QUAY.4'] as const;
/** Mon–Sat office hours, busiest mid-morning; Sunday closed. */
const HOUR_WEIGHTS: Record<number, number> = { 7: 6, 8: 10, 9: 12, 10: 11, 11: 6, 13: 5, 14: 8, 15: 8, 16: 5 };
const WEEKDAY_WEIGHTS = [0, 12, 10, 10, 10, 9, 4, 0];

/** Chance a citizen is satisfied (4–5) with one criterion, with the believable patterns of the demo. */
function satisfactionChance(
  centre: DemoCentre,
  counterIndex: number,
  procedureId: string,
  criterion: string,
  weekday: number,
  hour: number,
  monthsAgo: number,
): number {
  let p = 0.88 - (centre.code.length % 3) * 0.015;
  if (criterion === 'QUAY.1') p -= 0.05;
  if (criterion === 'QUAY.4') p -= 0.03;
  if (hour >= 15) p -= 0.05;
  if (weekday === 1 && hour < 11) p -= 0.06;
  p += (12 - monthsAgo) * 0.002;
  const weak = centre.weak;
  if (weak && criterion === weak.criterion) {
    p = counterIndex === weak.counterIndex ? (weak.procedureIds.has(procedureId) ? 0.32 : 0.45) : 0.72;
  }
  return Math.min(0.98, Math.max(0.05, p));
}

function scoreFor(random: SeededRandom, pSatisfied: number): number {
  if (random.next() < pSatisfied) return random.next() < 0.55 ? 5 : 4;
  return [3, 3, 3, 2, 2, 1][random.int(6)]!;
}

/**
 * The comments a citizen could have written with these answers: about the criterion they scored
 * lowest when any is 1–2, else about the one they scored highest when it is 4–5, else a suggestion.
 * Ties go to the criterion they were least (or most) likely to be satisfied with. No random draw,
 * so the seeded answers stay the same whatever the comments say.
 */
function commentChoices(answers: Record<string, number | null>, chances: Record<string, number>, unhappy: boolean): readonly string[] {
  const scored = Object.entries(answers).flatMap(([code, score]) => (score === null ? [] : [{ code, score, p: chances[code]! }]));
  if (unhappy) {
    const worst = scored.sort((a, b) => a.score - b.score || a.p - b.p)[0]!;
    return NEGATIVE_COMMENTS[worst.code]!;
  }
  const best = scored.sort((a, b) => b.score - a.score || b.p - a.p)[0];
  return best && best.score >= 4 ? POSITIVE_COMMENTS[best.code]! : NEUTRAL_COMMENTS;
}

/** A comment's text at the counter and procedure the citizen came for. */
function commentAt(template: string, counterCode: string, field: string): string {
  return template.replace('{counter}', counterCode.replace(/^Q/, '')).replace('{field}', field.toLocaleLowerCase('vi'));
}

export interface ResponseSeedOptions {
  count: number;
  seed: number;
  /** Rows per write transaction. */
  chunk?: number;
  onProgress?: (written: number) => void;
}

/** How many of `total` responses fall on each of the last 365 days, by weekday pattern. */
function dailyCounts(today: string, total: number): { day: string; weekday: number; count: number }[] {
  const days = Array.from({ length: 365 }, (_, i) => {
    const day = addDays(today, i - 364);
    return { day, weekday: ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1 };
  });
  const weightSum = days.reduce((a, d) => a + WEEKDAY_WEIGHTS[d.weekday]!, 0);
  let assigned = 0;
  let carried = 0;
  return days.map((d) => {
    carried += (total * WEEKDAY_WEIGHTS[d.weekday]!) / weightSum;
    const count = Math.round(carried) - assigned;
    assigned += count;
    return { ...d, count };
  });
}

/**
 * `count` synthetic responses over the last 12 months, generated day by day in time order (ids are
 * time-ordered too), written straight to the tables with their rollups in the same transaction a
 * chunk at a time, so it can load millions for benchmarks. Today's share is cut at the current time,
 * so slightly fewer may be written: the number written is returned.
 */
export async function seedResponses(deps: Deps, ref: DemoReference, options: ResponseSeedOptions): Promise<number> {
  const random = new SeededRandom(options.seed);
  const now = deps.clock.now();
  const today = vnLocalParts(now).day;
  const centreWeights = ref.centres.map((c) => c.volume);
  const hours = Object.keys(HOUR_WEIGHTS).map(Number);
  const hourWeights = hours.map((h) => HOUR_WEIGHTS[h]!);
  const fieldOf = new Map(ref.procedures.map((p) => [p.id, p.field]));
  const chunk = options.chunk ?? 50_000;
  let rows: ChainableAnswer[] = [];
  let sources: RollupSource[] = [];
  let written = 0;
  const flush = async () => {
    const batchRows = rows;
    const batchSources = sources;
    rows = [];
    sources = [];
    await deps.db.write(async (tx) => {
      // Each chunk is one link of the answer chain, as an intake batch is.
      await insertChained(tx, batchRows, async (stamped) => {
        await insertResponses(deps, tx, stamped);
        return new Set(stamped.map((r) => r.id));
      });
      await applyRollupDeltas(tx, computeRollupDeltas(batchSources));
    });
    written += batchRows.length;
    options.onProgress?.(written);
  };
  for (const { day, weekday, count } of dailyCounts(today, options.count)) {
    const monthsAgo = Math.floor((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`)) / (30.4 * 86400_000));
    const times = Array.from({ length: count }, () => {
      const hour = hours[random.weighted(hourWeights)]!;
      return { hour, at: Date.parse(`${day}T${String(hour).padStart(2, '0')}:00:00+07:00`) + random.int(3600_000) };
    }).sort((a, b) => a.at - b.at);
    // Today's answers end now: seeded before the working day is over, the rest of it is left out.
    for (const { hour, at } of times.filter((time) => time.at <= now.getTime())) {
      const centre = ref.centres[random.weighted(centreWeights)]!;
      const counterIndex = random.int(centre.counters.length);
      const counter = centre.counters[counterIndex]!;
      const procedureId = random.pick(counter.procedureIds);
      const staffId = random.pick(counter.staffIds);
      const channel: Channel = random.next() < 0.85 ? 'qr_web' : random.next() < 0.67 ? 'counter_tablet' : 'paper';
      const answers: Record<string, number | null> = {};
      const chances: Record<string, number> = {};
      let satisfiedShare = 0;
      for (const criterion of CRITERIA) {
        const p = satisfactionChance(centre, counterIndex, procedureId, criterion, weekday, hour, monthsAgo);
        chances[criterion] = p;
        satisfiedShare += p / CRITERIA.length;
        const naChance = criterion === 'QUAY.4' ? 0.25 : 0.03;
        answers[criterion] = random.next() < naChance ? null : scoreFor(random, p);
      }
      chances['QUAY.ALL'] = satisfiedShare;
      answers['QUAY.ALL'] = scoreFor(random, satisfiedShare);
      const unhappy = Object.values(answers).some((v) => v !== null && v <= 2);
      const comment =
        random.next() < (unhappy ? 0.35 : 0.08)
          ? commentAt(random.pick(commentChoices(answers, chances, unhappy)), counter.code, fieldOf.get(procedureId)!)
          : null;
      const suspect = random.next() < 0.004;
      const submittedAt = new Date(at).toISOString();
      rows.push({
        id: random.uuidV7(at),
        survey_point_id: counter.surveyPointId,
        invitation_id: null,
        instrument_id: DEMO_INSTRUMENT_ID,
        unit_id: centre.id,
        counter_id: counter.id,
        staff_id: staffId,
        procedure_id: procedureId,
        channel,
        submitted_at: submittedAt,
        local_day: day,
        local_hour: hour,
        weekday,
        answers: JSON.stringify(answers),
        comment,
        demographics: null,
        lang: random.next() < 0.96 ? 'vi' : 'en',
        suspect: suspect ? 1 : 0,
        created_at: submittedAt,
        chain_seq: null,
        chain_digest: null,
      });
      sources.push({
        unit_id: centre.id,
        counter_id: counter.id,
        staff_id: staffId,
        procedure_id: procedureId,
        channel,
        instrument_id: DEMO_INSTRUMENT_ID,
        local_day: day,
        local_hour: hour,
        weekday,
        answers,
        suspect,
      });
      if (rows.length >= chunk) await flush();
    }
  }
  if (rows.length) await flush();
  return written;
}

const RESPONSE_COLUMNS = [
  'id', 'survey_point_id', 'invitation_id', 'instrument_id', 'unit_id', 'counter_id', 'staff_id', 'procedure_id', 'channel',
  'submitted_at', 'local_day', 'local_hour', 'weekday', 'answers', 'comment', 'demographics', 'lang', 'suspect', 'created_at',
  'chain_seq', 'chain_digest',
] as const satisfies readonly (keyof NewResponse)[];

/**
 * Bulk insert inside the caller's transaction. On SQLite one prepared statement is reused (Kysely
 * prepares every statement anew, which dominates a multi-million-row load); elsewhere Kysely chunks.
 */
async function insertResponses(deps: Deps, tx: Db, rows: NewResponse[]): Promise<void> {
  const sqlite = deps.db.sqlite;
  if (sqlite) {
    const insert = sqlite.prepare(
      `insert into responses (${RESPONSE_COLUMNS.join(', ')}) values (${RESPONSE_COLUMNS.map(() => '?').join(', ')})`,
    );
    for (const row of rows) insert.run(RESPONSE_COLUMNS.map((c) => row[c] ?? null));
    return;
  }
  for (let i = 0; i < rows.length; i += 500) await tx.insertInto('responses').values(rows.slice(i, i + 500)).execute();
}
