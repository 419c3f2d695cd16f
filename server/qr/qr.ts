import QRCode from 'qrcode';
import type { QrSize } from '../../schema/surveypoints.js';

/** The one place that decides what a QR encodes: `${publicBaseUrl}/s/<code or token>`. */
export function surveyUrl(publicBaseUrl: string, code: string): string {
  return `${publicBaseUrl}/s/${code}`;
}

/**
 * Level M survives ~15% damage (scratched stickers, glare on laminate) while keeping the short
 * survey URL at a low QR version; the 4-module quiet zone is what the QR standard requires.
 */
const QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 4 } as const;

/** Printed width of the QR and the PNG's pixels at 300 dpi for that width. */
export const QR_PRINT: Record<QrSize | 'receipt', { mm: number; px: number }> = {
  a4: { mm: 120, px: mmToPx(120) },
  a5: { mm: 85, px: mmToPx(85) },
  tent: { mm: 66, px: mmToPx(66) },
  receipt: { mm: 30, px: mmToPx(30) },
};

function mmToPx(mm: number): number {
  return Math.round((mm / 25.4) * 300);
}

/** Whole pixels per module, so every module edge is sharp; the image is at least the target width. */
function scaleFor(text: string, targetPx: number): number {
  const modules = QRCode.create(text, QR_OPTIONS).modules.size + 2 * QR_OPTIONS.margin;
  return Math.max(1, Math.ceil(targetPx / modules));
}

/** Scalable SVG markup (viewBox only): the page or printer decides its size. */
export async function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { ...QR_OPTIONS, type: 'svg' });
}

export async function qrPng(text: string, size: QrSize | 'receipt'): Promise<Buffer> {
  return QRCode.toBuffer(text, {
    ...QR_OPTIONS,
    type: 'png',
    scale: scaleFor(text, QR_PRINT[size].px),
    // Two-colour images compress well even at a fast level; the default level costs ~5× the time.
    rendererOpts: { deflateLevel: 1 },
  });
}
