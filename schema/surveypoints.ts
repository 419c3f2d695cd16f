import { z } from 'zod';
import { LocalizedText } from './instrument.js';

export const SurveyPointStatus = z.enum(['open', 'closed']);
export type SurveyPointStatus = z.infer<typeof SurveyPointStatus>;

const Id = z.string().min(1).max(40);

/** A survey point as the admin UI lists it: where its QR leads and what it asks. */
export const SurveyPointView = z.object({
  id: z.string(),
  code: z.string(),
  /** Exactly what the QR encodes: `${publicBaseUrl}/s/<code>`. */
  url: z.string(),
  unitId: z.string(),
  unitCode: z.string(),
  unitName: z.string(),
  /** null for a centre-wide point. */
  counterId: z.string().nullable(),
  counterCode: z.string().nullable(),
  counterName: z.string().nullable(),
  instrumentId: z.string(),
  instrumentTitle: LocalizedText,
  status: SurveyPointStatus,
  /** A counter tablet: answers come in one after another on the centre's device (channel counter_tablet). */
  kiosk: z.boolean(),
  /** After a rating of 1 or 2 the survey page offers a call-back with consent (not on a kiosk: the tablet is shared). */
  callbackOffered: z.boolean(),
  /** When the newest answer came in (flagged ones too); null before the first. */
  lastAnswerAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SurveyPointView = z.infer<typeof SurveyPointView>;

/** GET /api/admin/survey-points: optionally narrowed to one unit's subtree inside the caller's scope. */
export const SurveyPointListQuery = z
  .object({
    unitId: Id.optional(),
    /** The same by the unit's code (unique in the caller's area), as one-stop software knows it. */
    unitCode: z.string().min(1).max(40).optional(),
    status: SurveyPointStatus.optional(),
  })
  .strict();
export type SurveyPointListQuery = z.infer<typeof SurveyPointListQuery>;

/**
 * POST /api/admin/survey-points: a point for one counter, for the whole centre (no counter), or a
 * counter tablet (kiosk). The unit and counter are named by id (the admin pages) or by code.
 */
export const CreateSurveyPointInput = z
  .object({
    unitId: Id.optional(),
    unitCode: z.string().min(1).max(40).optional(),
    /** Omitted or null: a centre-wide point. */
    counterId: Id.nullable().optional(),
    counterCode: z.string().min(1).max(40).optional(),
    instrumentId: Id,
    status: SurveyPointStatus.default('open'),
    kiosk: z.boolean().default(false),
    /** After a low rating offer a call-back (default no). */
    callbackOffered: z.boolean().optional(),
  })
  .strict()
  .refine((v) => (v.unitId === undefined) !== (v.unitCode === undefined), { message: 'Give either unitId or unitCode', path: ['unitId'] })
  .refine((v) => !(v.counterId && v.counterCode), { message: 'Give either counterId or counterCode', path: ['counterId'] });
export type CreateSurveyPointInput = z.infer<typeof CreateSurveyPointInput>;

/** PATCH /api/admin/survey-points/:id — change the instrument, open/close, the kiosk flag or the call-back offer. */
export const UpdateSurveyPointInput = z
  .object({
    instrumentId: Id.optional(),
    status: SurveyPointStatus.optional(),
    kiosk: z.boolean().optional(),
    callbackOffered: z.boolean().optional(),
  })
  .strict()
  .refine((v) => v.instrumentId !== undefined || v.status !== undefined || v.kiosk !== undefined || v.callbackOffered !== undefined, {
    message: 'Give at least one of instrumentId, status, kiosk, callbackOffered',
  });
export type UpdateSurveyPointInput = z.infer<typeof UpdateSurveyPointInput>;

/**
 * Print sizes of a counter QR: an A4 poster, an A5 sign, a folded table tent, and a strip for an
 * 80 mm receipt printer (handed over with the dossier receipt).
 */
export const QR_SIZES = ['a4', 'a5', 'tent', 'receipt'] as const;
export const QrSize = z.enum(QR_SIZES);
export type QrSize = z.infer<typeof QrSize>;

export const QrQuery = z.object({ size: QrSize.default('a4') }).strict();
export type QrQuery = z.infer<typeof QrQuery>;

/** GET /api/admin/survey-points/posters: one printable page set with the posters of every open point of a unit's subtree. */
export const PostersQuery = z
  .object({
    unitId: Id,
    size: QrSize.default('a4'),
    /** Closed points too (by default only open ones are printed). */
    includeClosed: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  })
  .strict();
export type PostersQuery = z.infer<typeof PostersQuery>;
