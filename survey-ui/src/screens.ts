import type { InstrumentDefinition, Item, LocalizedText } from '../../schema/instrument.js';
import type { Answers } from './draft.js';

export interface QuestionScreen {
  /** The factor's title; 'overall' for the closing questions of no factor; null for a screen of a short instrument. */
  title: LocalizedText | 'overall' | null;
  /** The part's title when the instrument has more than one part (S23: policy, then service). */
  part: LocalizedText | null;
  items: Item[];
}

/** Up to this many questions, the survey is short enough to show in small screens of SHORT_SCREEN_ITEMS. */
const SHORT_INSTRUMENT_ITEMS = 6;
const SHORT_SCREEN_ITEMS = 3;

/**
 * How the questions are split at 360×640: a short instrument (QUAY, 5 items) in two short screens;
 * a long one (S17, S23) one factor per screen in catalogue order, with questions of no known factor
 * (the overall question) on a last screen.
 */
export function planScreens(definition: InstrumentDefinition): QuestionScreen[] {
  const { items, factors } = definition;
  if (items.length <= SHORT_INSTRUMENT_ITEMS) {
    const screens: QuestionScreen[] = [];
    for (let i = 0; i < items.length; i += SHORT_SCREEN_ITEMS) {
      screens.push({ title: null, part: null, items: items.slice(i, i + SHORT_SCREEN_ITEMS) });
    }
    return screens;
  }
  const partTitle = (code: string) => (definition.parts.length > 1 ? (definition.parts.find((p) => p.code === code)?.title ?? null) : null);
  // Parts in their order (S23: policy first), each with its factors in order.
  const ordered = definition.parts.flatMap((part) => factors.filter((f) => f.part === part.code));
  const known = new Set(ordered.map((f) => f.code));
  const screens: QuestionScreen[] = ordered
    .map((factor) => ({ title: factor.title, part: partTitle(factor.part), items: items.filter((item) => item.factor === factor.code) }))
    .filter((screen) => screen.items.length > 0);
  const rest = items.filter((item) => item.factor === null || !known.has(item.factor));
  if (rest.length) screens.push({ title: 'overall', part: null, items: rest });
  return screens;
}

/** The questions of a screen still waiting for an answer; an item the questionnaire marks optional may stay empty. */
export function unanswered(items: readonly Item[], answers: Answers): Item[] {
  return items.filter((item) => item.required !== false && !(item.code in answers));
}

/** About eight seconds a question, at least a minute. */
export function minutesToAnswer(definition: InstrumentDefinition): number {
  return Math.max(1, Math.round((definition.items.length * 8) / 60));
}
