import { z } from 'zod';

/** Staff sign-in beyond the password: TOTP second factor, recovery codes, the list of one's sessions. */

/** Six digits from the authenticator app (spaces allowed, as apps show "123 456"). */
export const TotpCode = z
  .string()
  .transform((v) => v.replace(/\s+/g, ''))
  .pipe(z.string().regex(/^\d{6}$/, '6 digits'));

/** A recovery code as shown ("abcd-efgh-jkmn"); case, spaces and dashes do not matter. */
export const RecoveryCode = z
  .string()
  .max(40)
  .transform((v) => v.toLowerCase().replace(/[\s-]+/g, ''))
  .pipe(z.string().regex(/^[a-z2-9]{12}$/, '12 letters and digits'));

/** POST /api/auth/second-factor: a code from the app, or one of the recovery codes. */
export const SecondFactorInput = z.union([
  z.object({ code: TotpCode }).strict(),
  z.object({ recoveryCode: RecoveryCode }).strict(),
]);
export type SecondFactorInput = z.infer<typeof SecondFactorInput>;

/** GET /api/auth/totp */
export const TotpStatus = z.object({
  enabled: z.boolean(),
  enabledAt: z.string().nullable(),
  /** Whether the user's roles require it (TOTP_REQUIRED_ROLES); then it cannot be turned off. */
  required: z.boolean(),
  recoveryCodesLeft: z.number().int(),
});
export type TotpStatus = z.infer<typeof TotpStatus>;

/** POST /api/auth/totp/setup: a new secret to enter in the app, confirmed by /totp/enable. */
export const TotpSetup = z.object({
  /** Base32, for typing into the app by hand. */
  secret: z.string(),
  otpauthUri: z.string(),
  /** The otpauth URI as an SVG QR code (a data: URL), for scanning. */
  qrDataUrl: z.string(),
});
export type TotpSetup = z.infer<typeof TotpSetup>;

export const TotpEnableInput = z.object({ code: TotpCode }).strict();
export type TotpEnableInput = z.infer<typeof TotpEnableInput>;

/** The one time recovery codes are shown: after enrolment and after asking for new ones. */
export const RecoveryCodes = z.object({ recoveryCodes: z.array(z.string()) });
export type RecoveryCodes = z.infer<typeof RecoveryCodes>;

/** POST /api/auth/totp/recovery-codes: new codes (the old ones stop working), confirmed by a current code. */
export const RecoveryCodesInput = z.object({ code: TotpCode }).strict();
export type RecoveryCodesInput = z.infer<typeof RecoveryCodesInput>;

/** POST /api/auth/totp/disable: only where the user's roles do not require it; needs the password. */
export const TotpDisableInput = z.object({ password: z.string().min(1).max(200) }).strict();
export type TotpDisableInput = z.infer<typeof TotpDisableInput>;

/** One signed-in browser of the user (GET /api/auth/sessions). */
export const SessionEntry = z.object({
  id: z.string(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  expiresAt: z.string(),
  userAgent: z.string().nullable(),
  current: z.boolean(),
});
export type SessionEntry = z.infer<typeof SessionEntry>;
export const SessionList = z.object({ items: z.array(SessionEntry) });
export type SessionList = z.infer<typeof SessionList>;

export const SessionId = z.string().regex(/^[a-f0-9]{32}$/, 'a session id');
