import type { PublicSurvey, SurveyResponseInput } from '../../schema/survey.js';
import type { CallbackContactInput } from '../../schema/callbacks.js';
import { classifyResponse, type Outcome } from './outbox.js';
import { isRecord } from './storage.js';

export type LoadResult = { kind: 'ok'; survey: PublicSurvey } | { kind: 'error'; code: string };

const REQUEST_TIMEOUT_MS = 20_000;

/**
 * /s/_preview: the survey page inside the admin's phone frame, shown a questionnaire the admin page
 * sends by postMessage (never a real code: those are letters and digits only).
 */
export const PREVIEW_CODE = '_preview';

/** The survey code in /s/<code>, or '' when the path has none. */
export function codeFromPath(pathname: string): string {
  const match = /\/s\/([^/]+)/.exec(pathname);
  if (!match) return '';
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return '';
  }
}

/**
 * A light shape check instead of the zod schema, which would triple the bundle: the server built
 * this object from the same schema, we only guard against a truncated or foreign document.
 */
export function isPublicSurvey(value: unknown): value is PublicSurvey {
  return (
    isRecord(value) &&
    typeof value.code === 'string' &&
    typeof value.unitName === 'string' &&
    typeof value.commentMaxChars === 'number' &&
    isRecord(value.instrument) &&
    typeof value.instrument.id === 'string' &&
    isRecord(value.instrument.definition) &&
    Array.isArray(value.instrument.definition.items)
  );
}

function errorCodeOf(body: unknown): string | undefined {
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  return typeof error?.code === 'string' ? error.code : undefined;
}

/**
 * What the server embedded in index.html to save a round trip: the survey, when it is the one
 * asked for, or the error page to show (retired, closed, used…); null when there is nothing usable.
 */
export function embeddedLoad(doc: Pick<Document, 'getElementById'>, code: string): LoadResult | null {
  const text = doc.getElementById('survey-data')?.textContent;
  if (!text) return null;
  try {
    const data: unknown = JSON.parse(text);
    if (isPublicSurvey(data)) return data.code === code ? { kind: 'ok', survey: data } : null;
    const errorCode = errorCodeOf(data);
    return errorCode ? { kind: 'error', code: errorCode } : null;
  } catch {
    return null;
  }
}

async function request(url: string, init: RequestInit = {}): Promise<Response> {
  const controller = new AbortController();
  const timeout = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  try {
    return await fetch(url, { ...init, signal: controller.signal, credentials: 'omit' });
  } finally {
    clearTimeout(timeout);
  }
}

async function bodyOf(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

export async function fetchSurvey(code: string): Promise<LoadResult> {
  let response: Response;
  try {
    response = await request(`/api/survey/${encodeURIComponent(code)}`, { headers: { accept: 'application/json' } });
  } catch {
    return { kind: 'error', code: 'network' };
  }
  const body = await bodyOf(response);
  if (response.ok && isPublicSurvey(body)) return { kind: 'ok', survey: body };
  return { kind: 'error', code: errorCodeOf(body) ?? 'other' };
}

/** One delivery attempt; a network failure or timeout means "try again later". */
export async function postResponse(payload: SurveyResponseInput): Promise<Outcome> {
  let response: Response;
  try {
    response = await request('/api/responses', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(payload),
    });
  } catch {
    return { kind: 'retry', reason: 'offline' };
  }
  return classifyResponse(response.status, await bodyOf(response), response.headers.get('retry-after'));
}

/** One attempt to send a call-back contact for a stored answer (POST /api/responses/{id}/contact). */
export async function postContact(responseId: string, body: CallbackContactInput): Promise<Outcome> {
  let response: Response;
  try {
    response = await request(`/api/responses/${encodeURIComponent(responseId)}/contact`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    return { kind: 'retry', reason: 'offline' };
  }
  return classifyResponse(response.status, await bodyOf(response), response.headers.get('retry-after'));
}
