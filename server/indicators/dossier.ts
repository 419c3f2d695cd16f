import type { DossierFacts } from '../../schema/dossiers.js';
import type { InstrumentDefinition } from '../../schema/instrument.js';
import { quickLevelOf } from '../scoring/index.js';
import { vnLocalParts } from '../time.js';

/**
 * One dossier's scores on the TT 01/2018 indicators it carries (methodology §6: D18.1–4, 6, 7 are
 * per dossier), and what QĐ 766 5.4 counts about it. Times compare by Vietnam-local day: returned
 * before the due day is early (2), on it on time (1), after it late (0).
 */

export type Score = 0 | 1 | 2;

export interface DossierRecord {
  receivedAt: string | null;
  dueAt: string | null;
  returnedAt: string | null;
  facts: DossierFacts;
  /** The citizen's answer (1–5) to the officials' attitude item, when they answered and it counts. */
  attitude: number | null;
  /** The citizen's overall answer (1–5), likewise. */
  overall: number | null;
}

type Timing = 'early' | 'on_time' | 'late';

const dayOf = (iso: string) => vnLocalParts(new Date(iso)).day;

function timing(dueAt: string, doneAt: string): Timing {
  const due = dayOf(dueAt);
  const done = dayOf(doneAt);
  return done < due ? 'early' : done === due ? 'on_time' : 'late';
}

const BY_TIMING: Record<Timing, Score> = { early: 2, on_time: 1, late: 0 };

/** 0 → 2, 1 → 1, more → 0 (D18.3 contacts to complete the dossier, D18.4 agencies contacted). */
const byCount = (n: number | undefined): Score | undefined => (n === undefined ? undefined : n === 0 ? 2 : n === 1 ? 1 : 0);

const PUBLICATION: Record<NonNullable<DossierFacts['publication']>, Score> = { posted_and_online: 2, one_of_them: 1, neither: 0 };

/** When the result came back against its due day; null when either time is unknown. */
function resultTiming(d: DossierRecord): Timing | null {
  return d.dueAt && d.returnedAt ? timing(d.dueAt, d.returnedAt) : null;
}

/** D18.1: the software's `late` is authoritative; otherwise the dates decide. */
function totalTime(d: DossierRecord): Score | undefined {
  if (d.facts.late === true) return 0;
  const t = resultTiming(d);
  if (t === null) return undefined;
  // Late by the calendar but not by the software (a deadline in hours, an extension): on time.
  return t === 'late' && d.facts.late === false ? 1 : BY_TIMING[t];
}

/** D18.2: every agency early → 2, any late → 0, else 1; a step still open counts once its due day has passed. */
function agencyTimes(d: DossierRecord, today: string): Score | undefined {
  const timings = (d.facts.agencySteps ?? []).flatMap((s): Timing[] => {
    if (s.completedAt) return [timing(s.dueAt, s.completedAt)];
    return dayOf(s.dueAt) < today ? ['late'] : [];
  });
  if (timings.length === 0) return undefined;
  if (timings.includes('late')) return 0;
  return timings.every((t) => t === 'early') ? 2 : 1;
}

/**
 * D18.7: a substantiated complaint about the officials scores 0. Otherwise the citizen's answer on
 * the attitude item, seen as the three counter levels (§3.3: 5 Rất hài lòng → 2, 4 Hài lòng → 1,
 * 1–3 Chưa hài lòng → 0); without an answer, the regulation's own terms when the software reported
 * the dossier's complaints: early and none → 2, on time and none → 1.
 */
function attitude(d: DossierRecord): Score | undefined {
  if (d.facts.complaints?.some((c) => c.substantiated)) return 0;
  if (d.attitude !== null) {
    const level = quickLevelOf(d.attitude);
    if (level !== null) return level === 'rat_hai_long' ? 2 : level === 'hai_long' ? 1 : 0;
  }
  if (d.facts.complaints === undefined) return undefined;
  const t = resultTiming(d);
  return t === 'early' ? 2 : t === 'on_time' ? 1 : undefined;
}

/** The per-dossier indicators with data, by code. */
export function dossierScores(d: DossierRecord, today: string): Record<string, Score> {
  const scores: Record<string, Score | undefined> = {
    'D18.1': totalTime(d),
    'D18.2': agencyTimes(d, today),
    'D18.3': byCount(d.facts.completionContacts),
    'D18.4': byCount(d.facts.agenciesContacted),
    'D18.6': d.facts.publication === undefined ? undefined : PUBLICATION[d.facts.publication],
    'D18.7': attitude(d),
  };
  return Object.fromEntries(Object.entries(scores).filter((e): e is [string, Score] => e[1] !== undefined));
}

/** QĐ 766 5.4 "overdue": the software's `late`, else returned after its due day, else still out past it. */
export function isOverdue(d: DossierRecord, today: string): boolean {
  if (d.facts.late !== undefined) return d.facts.late;
  const t = resultTiming(d);
  if (t !== null) return t === 'late';
  return d.dueAt !== null && d.returnedAt === null && dayOf(d.dueAt) < today;
}

/**
 * QĐ 766 5.4 "with a complaint or dislike": any complaint about the dossier, or the citizen's overall
 * answer dissatisfied (1–2; the portal's thumbs-down, design choice).
 */
export function isDisliked(d: DossierRecord): boolean {
  return (d.facts.complaints?.length ?? 0) > 0 || (d.overall !== null && d.overall >= 1 && d.overall <= 2);
}

export interface ComplaintTally {
  /** Answered by their due day. */
  onTime: number;
  /** Answered after it. */
  late: number;
  /** Still unanswered past it (kéo dài). */
  prolonged: number;
}

/** How a dossier's complaints were handled, for D18.8; one still open before its due day counts nowhere yet. */
export function complaintTally(facts: DossierFacts, today: string): ComplaintTally {
  const tally: ComplaintTally = { onTime: 0, late: 0, prolonged: 0 };
  for (const c of facts.complaints ?? []) {
    if (c.answeredAt) tally[dayOf(c.answeredAt) <= dayOf(c.dueAt) ? 'onTime' : 'late']++;
    else if (dayOf(c.dueAt) < today) tally.prolonged++;
  }
  return tally;
}

/**
 * D18.8 for a unit: no complaint, or all answered on time → 2; at least 90% on time → 1; under 90%,
 * or any left unanswered past its due day → 0. No data when none of its dossiers reported complaints.
 */
export function complaintScore(reportingDossiers: number, tally: ComplaintTally): Score | undefined {
  if (reportingDossiers === 0) return undefined;
  if (tally.prolonged > 0) return 0;
  const answered = tally.onTime + tally.late;
  if (tally.late === 0) return 2;
  return tally.onTime / answered >= 0.9 ? 1 : 0;
}

/** The items a questionnaire's answers feed the indicators from. */
export interface IndicatorItems {
  /** The first criterion of SIPAS factor 3 (civil servants): QUAY.2, S17.3.1, S23.S.3.1. */
  attitude: string | null;
  /** The overall question (QUAY.ALL, S17.ALL). */
  overall: string | null;
}

export function indicatorItems(definition: InstrumentDefinition): IndicatorItems {
  const staffFactors = new Set(definition.factors.filter((f) => f.sipasFactor === 3).map((f) => f.code));
  const attitudeItem = definition.items.find((i) => i.role === 'criterion' && i.scale === 'scale5' && i.factor !== null && staffFactors.has(i.factor));
  return { attitude: attitudeItem?.code ?? null, overall: definition.items.find((i) => i.role === 'overall')?.code ?? null };
}

/** The day that places a dossier in a reporting period: its return, else its receipt, else the day its invitation was issued. */
export function dossierDay(times: { receivedAt: string | null; returnedAt: string | null }, issuedDay: string): string {
  const at = times.returnedAt ?? times.receivedAt;
  return at ? dayOf(at) : issuedDay;
}
