import { z } from 'zod';
import { BoundedInstant, CalendarDay } from './days.js';
import { checkDossierTimes, DossierFactsShape } from './dossiers.js';

const Code = z.string().trim().min(1).max(64);

/**
 * POST /api/v1/invitations — a one-stop system asks for a single-use survey link for one dossier,
 * to print on the receipt or send by SMS. Codes are the province's catalogue codes.
 */
export const InvitationInput = z
  .object({
    /** The dossier (hồ sơ) code in the one-stop system; stored only as a keyed hash. */
    dossierCode: z.string().trim().min(1).max(100),
    /** mã TTHC, e.g. 1.001612 */
    procedureCode: Code.optional(),
    /** The centre (or branch) that received the dossier; defaults to the API key's own unit. */
    unitCode: Code.optional(),
    /** The counter that received the dossier; omitted: the centre-wide survey point. */
    counterCode: Code.optional(),
    staffCode: Code.optional(),
    receivedAt: BoundedInstant.optional(),
    dueAt: BoundedInstant.optional(),
    returnedAt: BoundedInstant.optional(),
    expiresInDays: z.number().int().min(1).max(365).default(30),
    /** The dossier's facts for the TT 01/2018 indicators (schema/dossiers.ts); more can follow by PATCH. */
    ...DossierFactsShape,
  })
  .strict()
  .superRefine(checkDossierTimes);
export type InvitationInput = z.input<typeof InvitationInput>;
export type InvitationInputParsed = z.output<typeof InvitationInput>;

export const InvitationIssued = z.object({
  id: z.string(),
  /** The single-use survey link; the token in it is shown only in this reply. */
  url: z.string(),
  /** The same link as a QR code (SVG markup), error correction M, 4-module quiet zone. */
  qrSvg: z.string(),
  /** The same QR as a PNG, base64 (no data: prefix), sized for a receipt printer. */
  qrPngBase64: z.string(),
  expiresAt: z.string(),
});
export type InvitationIssued = z.infer<typeof InvitationIssued>;

export const RESPONSE_RATE_DIMENSIONS = ['unit', 'counter', 'procedure', 'staff', 'day', 'month'] as const;
export const ResponseRateDimension = z.enum(RESPONSE_RATE_DIMENSIONS);
export type ResponseRateDimension = z.infer<typeof ResponseRateDimension>;

/** GET /api/admin/response-rate?from&to&groupBy=unit,counter&unitId — issued invitations vs answered. */
export const ResponseRateQuery = z
  .object({
    /** Vietnam-local issue days, inclusive. */
    from: CalendarDay,
    to: CalendarDay,
    groupBy: z
      .string()
      .default('unit')
      .transform((v) => v.split(',').map((d) => d.trim()).filter((d) => d !== ''))
      .pipe(z.array(ResponseRateDimension).min(1).max(4))
      .transform((dims) => [...new Set(dims)]),
    /** Narrow to one unit's subtree (must be inside the caller's scope). */
    unitId: z.string().min(1).max(40).optional(),
  })
  .strict()
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['from'] });
export type ResponseRateQuery = z.output<typeof ResponseRateQuery>;

export const ResponseRateRow = z.object({
  unitId: z.string().optional(),
  unitName: z.string().optional(),
  counterId: z.string().nullable().optional(),
  counterName: z.string().nullable().optional(),
  procedureId: z.string().nullable().optional(),
  procedureCode: z.string().nullable().optional(),
  procedureName: z.string().nullable().optional(),
  staffId: z.string().nullable().optional(),
  staffName: z.string().nullable().optional(),
  /** YYYY-MM-DD or YYYY-MM when grouped by day or month. */
  period: z.string().optional(),
  issued: z.number().int(),
  answered: z.number().int(),
  /** Not answered and past its expiry: definite non-response. */
  expired: z.number().int(),
  /** Not answered yet, still valid. */
  pending: z.number().int(),
  /** answered / issued, 0–1; null when nothing was issued. */
  rate: z.number().nullable(),
});
export type ResponseRateRow = z.infer<typeof ResponseRateRow>;

export const ResponseRateResult = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: z.array(ResponseRateDimension),
  rows: z.array(ResponseRateRow),
  total: ResponseRateRow.pick({ issued: true, answered: true, expired: true, pending: true, rate: true }),
});
export type ResponseRateResult = z.infer<typeof ResponseRateResult>;
