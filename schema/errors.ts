import { z } from 'zod';

/** Every error code the API can answer with. Clients switch on these, never on messages. */
export const ERROR_CODES = [
  'bad_request',
  'invalid_json',
  'validation_failed',
  'payload_too_large',
  'unsupported_media_type',
  'not_found',
  'method_not_allowed',
  'unauthenticated',
  'forbidden',
  'forbidden_unit',
  'csrf_failed',
  'second_factor_required',
  'password_change_required',
  'totp_enrolment_required',
  'rate_limited',
  'conflict',
  'instrument_locked',
  'survey_point_closed',
  'survey_point_retired',
  'invitation_invalid',
  'invitation_expired',
  'invitation_used',
  'wrong_instrument',
  'import_failed',
  'storage_unavailable',
  'not_ready',
  'internal',
] as const;

export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorIssue = z.object({
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
});
export type ErrorIssue = z.infer<typeof ErrorIssue>;

export const ErrorBody = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    issues: z.array(ErrorIssue).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
