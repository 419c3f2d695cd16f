import { binaryItemsOf, type InstrumentDefinition } from '../../schema/instrument.js';
import type { SurveyResponseInput } from '../../schema/survey.js';
import type { Channel } from '../db/types.js';
import type { SurveyTarget } from '../surveys/resolve.js';
import { AppError } from '../http.js';
import { vnLocalParts } from '../time.js';

/** Text as it can be stored on both engines: PostgreSQL text cannot hold NUL, which never means anything in a comment. */
export function storableText(text: string): string {
  return text.replaceAll('\u0000', '');
}

/** A submission checked against its instrument, ready to be written. */
export interface PreparedResponse {
  id: string;
  target: SurveyTarget;
  instrumentId: string;
  channel: Channel;
  answers: Record<string, number | null>;
  comment: string | null;
  demographics: string | null;
  lang: string;
  submittedAt: string;
  localDay: string;
  localHour: number;
  weekday: number;
  /** Salted, hour-scoped hash of the survey page's device marker, if it sent one; never the raw value. */
  deviceMarks: string[];
  /** Salted, hour-scoped hash of the client's network address; null where there is none (paper forms, seeding). */
  addressMark: string | null;
  /** The instrument's yes/no items, kept out of 5-point rollups such as the heatmap. */
  binaryItems: ReadonlySet<string>;
}

/** What the anti-abuse checks count a submission by (see PreparedResponse). */
export type AbuseMarks = Pick<PreparedResponse, 'deviceMarks' | 'addressMark'>;

/**
 * Checks a submission against the instrument version its survey point uses: every answer must be
 * one of its items with a value it allows; comments and demographics only where the instrument has
 * them. Throws a 4xx AppError naming each problem.
 */
export function prepareResponse(
  input: SurveyResponseInput,
  target: SurveyTarget,
  definition: InstrumentDefinition,
  options: { now: Date; commentMaxChars: number } & AbuseMarks,
): PreparedResponse {
  if (input.instrumentId !== target.instrumentId) {
    throw new AppError(
      'wrong_instrument',
      409,
      `This survey now uses instrument ${target.instrumentId}, not ${input.instrumentId}; reload the page`,
    );
  }
  const items = new Map(definition.items.map((item) => [item.code, item]));
  const issues: { path: (string | number)[]; message: string }[] = [];
  const answers: Record<string, number | null> = {};
  for (const [code, value] of Object.entries(input.answers)) {
    const item = items.get(code);
    if (!item) {
      issues.push({ path: ['answers', code], message: `Unknown criterion ${code} for ${target.instrumentId}` });
    } else if (value === null && !item.allowNa) {
      issues.push({ path: ['answers', code], message: `${code} does not allow "no opinion"` });
    } else if (value !== null && item.scale === 'binary' && value !== 1 && value !== 2) {
      issues.push({ path: ['answers', code], message: `${code} is a yes/no item: 1 = Không, 2 = Có` });
    } else {
      answers[code] = value;
    }
  }
  if (Object.keys(input.answers).length === 0) {
    issues.push({ path: ['answers'], message: 'At least one answer is required' });
  }
  const commentText = input.comment === undefined ? '' : storableText(input.comment).trim();
  const comment = commentText === '' ? null : commentText;
  if (comment !== null && !definition.comment.enabled) {
    issues.push({ path: ['comment'], message: 'This survey takes no comment' });
  }
  if (comment !== null && [...comment].length > options.commentMaxChars) {
    issues.push({ path: ['comment'], message: `The comment is longer than ${options.commentMaxChars} characters` });
  }
  const demographics = input.demographics && Object.keys(input.demographics).length ? input.demographics : null;
  // Kiosk behaviour is the survey point's (an admin sets it), never the request's: input.kiosk is ignored.
  if (demographics && (!definition.demographics || target.kiosk)) {
    issues.push({ path: ['demographics'], message: 'This survey does not ask for demographics' });
  }
  if (issues.length) throw new AppError('validation_failed', 400, 'The response is not valid', issues);

  const local = vnLocalParts(options.now);
  return {
    id: input.id,
    target,
    instrumentId: target.instrumentId,
    channel: target.kiosk ? 'counter_tablet' : 'qr_web',
    answers,
    comment,
    demographics: demographics ? JSON.stringify(demographics) : null,
    lang: input.lang,
    submittedAt: options.now.toISOString(),
    localDay: local.day,
    localHour: local.hour,
    weekday: local.weekday,
    deviceMarks: options.deviceMarks,
    addressMark: options.addressMark,
    binaryItems: binaryItemsOf(definition),
  };
}
