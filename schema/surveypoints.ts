import { z } from 'zod';

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
  status: SurveyPointStatus,
  kiosk: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SurveyPointView = z.infer<typeof SurveyPointView>;

/** GET /api/admin/survey-points: optionally narrowed to one unit's subtree inside the caller's scope. */
export const SurveyPointListQuery = z
  .object({
    unitId: Id.optional(),
    status: SurveyPointStatus.optional(),
  })
  .strict();
export type SurveyPointListQuery = z.infer<typeof SurveyPointListQuery>;

/** POST /api/admin/survey-points */
export const CreateSurveyPointInput = z
  .object({
    unitId: Id,
    /** Omitted or null: a centre-wide point. */
    counterId: Id.nullable().optional(),
    instrumentId: Id,
    status: SurveyPointStatus.default('open'),
    kiosk: z.boolean().default(false),
  })
  .strict();
export type CreateSurveyPointInput = z.infer<typeof CreateSurveyPointInput>;

/** PATCH /api/admin/survey-points/:id — change the instrument, open/close, or the kiosk flag. */
export const UpdateSurveyPointInput = z
  .object({
    instrumentId: Id.optional(),
    status: SurveyPointStatus.optional(),
    kiosk: z.boolean().optional(),
  })
  .strict()
  .refine((v) => v.instrumentId !== undefined || v.status !== undefined || v.kiosk !== undefined, {
    message: 'Give at least one of instrumentId, status, kiosk',
  });
export type UpdateSurveyPointInput = z.infer<typeof UpdateSurveyPointInput>;

/** Print sizes of a counter QR: an A4 poster, an A5 sign, a folded table tent. */
export const QR_SIZES = ['a4', 'a5', 'tent'] as const;
export const QrSize = z.enum(QR_SIZES);
export type QrSize = z.infer<typeof QrSize>;

export const QrQuery = z.object({ size: QrSize.default('a4') }).strict();
export type QrQuery = z.infer<typeof QrQuery>;
