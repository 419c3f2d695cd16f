import type { Demographics, SurveyResponseInput } from '../../schema/survey.js';
import { isRecord, readJson, remove, writeJson, type KeyValueStore } from './storage.js';

export type Answers = SurveyResponseInput['answers'];

/** The answers in progress for one survey code, saved on every change so a reload resumes. */
export interface Draft {
  /** The response id sent with the submission: fixed when the draft starts, so retries are idempotent. */
  id: string;
  code: string;
  instrumentId: string;
  answers: Answers;
  comment: string;
  demographics: Demographics;
  /** Index of the screen the citizen was on (0 = first question screen). */
  step: number;
  savedAt: number;
}

/** A half-filled survey older than this belongs to an earlier visit, not to this one. */
export const DRAFT_MAX_AGE_MS = 12 * 60 * 60 * 1000;

export const draftKey = (code: string) => `sipas.draft.${code}`;

export function newDraft(code: string, instrumentId: string, id: string, now: number): Draft {
  return { id, code, instrumentId, answers: {}, comment: '', demographics: {}, step: 0, savedAt: now };
}

function isAnswers(value: unknown): value is Answers {
  return (
    isRecord(value) &&
    Object.values(value).every((v) => v === null || (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 5))
  );
}

/** The saved draft for this code and instrument version, or null when absent, stale, corrupt or for another instrument. */
export function loadDraft(store: KeyValueStore, code: string, instrumentId: string, now: number): Draft | null {
  const saved = readJson(store, draftKey(code));
  if (
    !isRecord(saved) ||
    typeof saved.id !== 'string' ||
    saved.code !== code ||
    saved.instrumentId !== instrumentId ||
    !isAnswers(saved.answers) ||
    typeof saved.comment !== 'string' ||
    !isRecord(saved.demographics) ||
    typeof saved.step !== 'number' ||
    typeof saved.savedAt !== 'number' ||
    now - saved.savedAt > DRAFT_MAX_AGE_MS
  ) {
    return null;
  }
  return saved as unknown as Draft;
}

export function saveDraft(store: KeyValueStore, draft: Draft): boolean {
  return writeJson(store, draftKey(draft.code), draft);
}

export function clearDraft(store: KeyValueStore, code: string): void {
  remove(store, draftKey(code));
}

/** Whether the draft holds anything the citizen entered (an untouched draft need not be resumed). */
export function hasInput(draft: Draft): boolean {
  return Object.keys(draft.answers).length > 0 || draft.comment.trim() !== '' || Object.keys(draft.demographics).length > 0;
}
