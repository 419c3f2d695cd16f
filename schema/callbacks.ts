import { z } from 'zod';
import type { Lang } from './survey.js';

/**
 * Call-back with consent (issue 18, Nghị định 13/2023/NĐ-CP): after a low rating a citizen may leave
 * a phone number or an e-mail address to be contacted about it. Shared by the survey page (what it
 * asks and shows), the server (what it accepts) and the admin app (what the case's assignee sees).
 */

/** A rating at or below this on any 1–5 criterion makes an answer "low": only then is a call-back offered. */
export const CALLBACK_LOW_RATING = 2;

/** How long after the answer a contact for it is still accepted (the page sends it right after). */
export const CALLBACK_WINDOW_HOURS = 24;

/**
 * The version of the consent text a stored contact was given under. Change the texts below only
 * together with a new version, so every stored consent can be shown as the citizen read it.
 */
export const CONSENT_VERSION = 'callback-consent-v1';

/** The consent text shown next to the contact field, with {days} the retention period. */
export const CONSENT_TEXT: Record<Lang, string> = {
  vi:
    'Tôi đồng ý cung cấp số điện thoại/thư điện tử này để cơ quan liên hệ lại với tôi về đánh giá trên. ' +
    'Chỉ cán bộ được giao xử lý phản ánh của tôi được xem; thông tin được mã hóa, không công khai, không xuất ra báo cáo, ' +
    'và tự động bị xóa {days} ngày sau khi phản ánh được xử lý xong (Nghị định 13/2023/NĐ-CP).',
  en:
    'I agree to give this phone number/e-mail address so that the office can contact me about the rating above. ' +
    'Only the official assigned to my feedback can see it; it is encrypted, never published or exported, ' +
    'and deleted automatically {days} days after my feedback is closed (Decree 13/2023/ND-CP).',
};

/** The consent text as shown, with the retention period filled in. */
export function consentText(lang: Lang, retentionDays: number): string {
  return CONSENT_TEXT[lang].replace('{days}', String(retentionDays));
}

/** Separators people type inside phone numbers. */
const PHONE_SEPARATORS = /[\s.\-()]/g;

/**
 * A Vietnamese phone number in its national form: a mobile number (10 digits, 03/05/07/08/09…) or a
 * landline (11 digits, 02 and the area code). "+84…" and "84…" are written as "0…".
 */
export function normalizeVietnamesePhone(raw: string): string | null {
  let digits = raw.replace(PHONE_SEPARATORS, '');
  if (digits.startsWith('+84')) digits = `0${digits.slice(3)}`;
  else if (/^84\d{9,10}$/.test(digits)) digits = `0${digits.slice(2)}`;
  if (/^0[35789]\d{8}$/.test(digits) || /^02\d{9}$/.test(digits)) return digits;
  return null;
}

export const CONTACT_KINDS = ['phone', 'email'] as const;
export const ContactKind = z.enum(CONTACT_KINDS);
export type ContactKind = z.infer<typeof ContactKind>;

const PhoneContact = z.object({
  kind: z.literal('phone'),
  value: z
    .string()
    .max(40)
    .transform((raw, ctx) => {
      const phone = normalizeVietnamesePhone(raw);
      if (phone === null) {
        ctx.addIssue({ code: 'custom', message: 'Not a Vietnamese phone number (10-digit mobile or 11-digit landline, e.g. 0912 345 678)' });
        return z.NEVER;
      }
      return phone;
    }),
});

const EmailContact = z.object({
  kind: z.literal('email'),
  value: z.string().trim().max(254).pipe(z.email({ message: 'Not an e-mail address' })).transform((email) => email.toLowerCase()),
});

/** A phone number or an e-mail address, checked and normalised. */
export const ContactValue = z.discriminatedUnion('kind', [PhoneContact, EmailContact]);
export type ContactValue = z.infer<typeof ContactValue>;

/**
 * POST /api/responses/{id}/contact: sent by the survey page after the answer itself was stored, so a
 * contact that fails never holds up the answer. `consent` must be the literal true: the citizen ticked
 * the consent text of `consentVersion`.
 */
export const CallbackContactInput = z
  .object({
    kind: ContactKind,
    value: z.string().max(254),
    consent: z.literal(true, { message: 'Consent to the call-back text is required' }),
    consentVersion: z.literal(CONSENT_VERSION, { message: `The consent text is ${CONSENT_VERSION}; reload the page` }),
  })
  .strict()
  .transform((input, ctx) => {
    const contact = ContactValue.safeParse({ kind: input.kind, value: input.value });
    if (!contact.success) {
      for (const issue of contact.error.issues) ctx.addIssue({ code: 'custom', path: ['value'], message: issue.message });
      return z.NEVER;
    }
    return { contact: contact.data, consentVersion: input.consentVersion };
  });
export type CallbackContactInput = z.input<typeof CallbackContactInput>;

export const CallbackContactResult = z.object({
  status: z.enum(['stored', 'duplicate']),
});
export type CallbackContactResult = z.infer<typeof CallbackContactResult>;

/** GET /api/admin/callback-contacts/{caseId}: only the case's assignee gets this. */
export const CallbackContactView = z.object({
  caseId: z.string(),
  responseId: z.string(),
  kind: ContactKind,
  value: z.string(),
  consentVersion: z.string(),
  consentText: z.string(),
  createdAt: z.string(),
  /** Days kept after the case closes (CALLBACK_RETENTION_DAYS). */
  retentionDays: z.number().int().positive(),
  /** When it will be deleted; null while the case is open. */
  deleteAfter: z.string().nullable(),
});
export type CallbackContactView = z.infer<typeof CallbackContactView>;

/** Whether an answer is low: any 1–5 criterion (not a yes/no item) rated CALLBACK_LOW_RATING or below. */
export function isLowAnswer(answers: Record<string, number | null>, binaryItems: ReadonlySet<string>): boolean {
  return Object.entries(answers).some(([code, value]) => value !== null && !binaryItems.has(code) && value <= CALLBACK_LOW_RATING);
}
