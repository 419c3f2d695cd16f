import { z } from 'zod';
import { normalizeVietnamesePhone, CONSENT_VERSION } from './callback-rules.js';

export * from './callback-rules.js';

/**
 * Call-back with consent (issue 18, Nghị định 13/2023/NĐ-CP): after a low rating a citizen may leave
 * a phone number or an e-mail address to be contacted about it. Shared by the survey page (what it
 * asks and shows), the server (what it accepts) and the admin app (what the case's assignee sees).
 */

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
