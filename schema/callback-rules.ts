import type { Lang } from './survey.js';

/**
 * The rules of a call-back with consent that the survey page needs too, without zod (which would
 * triple the page's bundle): when it is offered, the consent text, and what a phone number is.
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

/** Whether an answer is low: any 1–5 criterion (not a yes/no item) rated CALLBACK_LOW_RATING or below. */
export function isLowAnswer(answers: Record<string, number | null>, binaryItems: ReadonlySet<string>): boolean {
  return Object.entries(answers).some(([code, value]) => value !== null && !binaryItems.has(code) && value <= CALLBACK_LOW_RATING);
}

/** A quick shape check of an e-mail address for the page; the server checks it fully. */
export function looksLikeEmail(text: string): boolean {
  return text.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text.trim());
}
