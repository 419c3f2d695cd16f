import { crc32, deflateSync } from 'node:zlib';
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
function scaleFor(modules: number, targetPx: number): number {
  return Math.max(1, Math.ceil(targetPx / modules));
}

/** Scalable SVG markup (viewBox only): the page or printer decides its size. */
export async function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { ...QR_OPTIONS, type: 'svg' });
}

/**
 * The QR as a 1-bit greyscale PNG. The symbol comes from the qrcode package; the pixels are packed
 * here because its RGBA renderer takes ~20 ms for a receipt and ~0.3–0.8 s for an A4 image, which
 * every invitation would pay, while a 1-bit image deflates in well under a millisecond.
 */
export async function qrPng(text: string, size: QrSize | 'receipt'): Promise<Buffer> {
  const { modules } = QRCode.create(text, QR_OPTIONS);
  const count = modules.size + 2 * QR_OPTIONS.margin;
  const scale = scaleFor(count, QR_PRINT[size].px);
  const width = count * scale;
  const stride = Math.ceil(width / 8) + 1;
  // Each row: filter byte 0, then pixels MSB first; a set bit is white, so start all white.
  const raw = Buffer.alloc(stride * width, 0xff);
  for (let y = 0; y < width; y++) {
    raw[y * stride] = 0;
    const row = Math.floor(y / scale) - QR_OPTIONS.margin;
    if (row < 0 || row >= modules.size) continue;
    for (let col = 0; col < modules.size; col++) {
      if (!modules.get(row, col)) continue;
      for (let x = (col + QR_OPTIONS.margin) * scale, end = x + scale; x < end; x++) {
        raw[y * stride + 1 + (x >> 3)]! &= ~(0x80 >> (x & 7));
      }
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(width, 4);
  header.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, no filter choice, no interlace
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
