import { z } from 'zod';
import { Instrument } from './instrument.js';

export const CHANNELS = ['counter_tablet', 'qr_web', 'portal', 'sms', 'paper', 'phone'] as const;
export const Channel = z.enum(CHANNELS);
export type Channel = z.infer<typeof Channel>;

export const Lang = z.enum(['vi', 'en']);
export type Lang = z.infer<typeof Lang>;

/** What the survey page needs to render: GET /api/survey/:code (survey-point code or invitation token). */
export const PublicSurvey = z.object({
  code: z.string(),
  kind: z.enum(['point', 'invitation']),
  unitName: z.string(),
  counterName: z.string().nullable(),
  procedureName: z.string().nullable(),
  kiosk: z.boolean(),
  instrument: Instrument,
  /** The longest comment the server keeps (COMMENT_MAX_CHARS), counted in characters. */
  commentMaxChars: z.number().int().positive(),
  /**
   * Set when the point offers a call-back after a low rating (schema/callbacks.ts): the days a contact
   * is kept after its case closes, for the consent text. Absent or null: no call-back is offered.
   */
  callbackRetentionDays: z.number().int().positive().nullable().optional(),
});
export type PublicSurvey = z.infer<typeof PublicSurvey>;

/** A score 1–5, or null for "Không có ý kiến / không áp dụng". */
export const AnswerValue = z.union([z.number().int().min(1).max(5), z.null()]);

export const Demographics = z
  .object({
    ageBand: z.enum(['under_25', '25_39', '40_59', '60_plus']).optional(),
    gender: z.enum(['female', 'male', 'other']).optional(),
    firstVisit: z.boolean().optional(),
  })
  .strict();
export type Demographics = z.infer<typeof Demographics>;

/** POST /api/responses. The id is generated on the device, so a retried submission is idempotent. */
export const SurveyResponseInput = z
  .object({
    id: z.uuid(),
    code: z.string().min(4).max(200),
    instrumentId: z.string().min(3).max(40),
    answers: z.record(z.string().max(40), AnswerValue),
    comment: z.string().optional(),
    demographics: Demographics.optional(),
    lang: Lang.default('vi'),
    /** Ignored: kiosk behaviour is the survey point's setting, never the client's claim. Still accepted, as pages send it. */
    kiosk: z.boolean().default(false),
    /** Random per-device marker kept in localStorage; only its salted hash is kept, for an hour. */
    deviceMark: z.string().max(64).optional(),
  })
  .strict();
export type SurveyResponseInput = z.infer<typeof SurveyResponseInput>;

export const SubmitResult = z.object({
  id: z.string(),
  status: z.enum(['accepted', 'duplicate']),
});
export type SubmitResult = z.infer<typeof SubmitResult>;
