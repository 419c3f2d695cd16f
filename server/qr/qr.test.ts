import fc from 'fast-check';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { QR_SIZES } from '../../schema/surveypoints.js';
import { newSecretToken, newSurveyCode } from '../ids.js';
import { QR_PRINT, qrPng, qrSvg, surveyUrl } from './qr.js';

interface Bitmap {
  width: number;
  height: number;
  dark(x: number, y: number): boolean;
  data: Uint8ClampedArray;
}

function readPng(png: Buffer): Bitmap {
  const img = PNG.sync.read(png);
  const data = new Uint8ClampedArray(img.data);
  return { width: img.width, height: img.height, data, dark: (x, y) => data[(y * img.width + x) * 4]! < 128 };
}

/** Samples the centre of every module of a QR image drawn with a 4-module quiet zone. */
function modulesOf(bitmap: Bitmap, size: number): boolean[][] {
  const px = bitmap.width / (size + 8);
  return Array.from({ length: size }, (_, r) =>
    Array.from({ length: size }, (_, c) => bitmap.dark(Math.floor((c + 4.5) * px), Math.floor((r + 4.5) * px))),
  );
}

function symbol(text: string, level: 'L' | 'M' | 'Q' | 'H'): boolean[][] {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: level });
  return Array.from({ length: modules.size }, (_, r) => Array.from({ length: modules.size }, (_, c) => modules.get(r, c) === 1));
}

describe('surveyUrl', () => {
  it('is the public base URL, /s/, and the code', () => {
    expect(surveyUrl('https://khaosat.example.gov.vn', 'abcdefghij')).toBe('https://khaosat.example.gov.vn/s/abcdefghij');
  });
});

describe('QR images', () => {
  const url = surveyUrl('https://khaosat.example.gov.vn', newSurveyCode());

  it.each([...QR_SIZES, 'receipt' as const])('the %s PNG decodes to exactly the URL, at print resolution', async (size) => {
    const bitmap = readPng(await qrPng(url, size));
    expect(jsQR(bitmap.data, bitmap.width, bitmap.height)?.data).toBe(url);
    expect(bitmap.width).toBeGreaterThanOrEqual(QR_PRINT[size].px);
    expect(bitmap.width).toBe(bitmap.height);
  });

  it('draws error-correction level M with a white quiet zone of 4 modules', async () => {
    const bitmap = readPng(await qrPng(url, 'a5'));
    const m = symbol(url, 'M');
    expect(modulesOf(bitmap, m.length)).toEqual(m);
    expect(symbol(url, 'L')).not.toEqual(m);
    const quiet = Math.floor((bitmap.width / (m.length + 8)) * 4);
    let darkInQuietZone = 0;
    for (let i = 0; i < bitmap.width; i++) {
      for (let d = 0; d < quiet; d++) {
        const w = bitmap.width - 1 - d;
        darkInQuietZone += [bitmap.dark(i, d), bitmap.dark(d, i), bitmap.dark(i, w), bitmap.dark(w, i)].filter(Boolean).length;
      }
    }
    expect(quiet).toBeGreaterThanOrEqual(4 * 8);
    expect(darkInQuietZone).toBe(0);
  });

  it('SVG is scalable (viewBox only) and its viewBox is the symbol plus 4 modules each side', async () => {
    const svg = await qrSvg(url);
    const size = QRCode.create(url, { errorCorrectionLevel: 'M' }).modules.size;
    expect(svg).toMatch(new RegExp(`^<svg [^>]*viewBox="0 0 ${size + 8} ${size + 8}"`));
    expect(svg).not.toMatch(/<svg [^>]*\bwidth=/);
  });

  it('every survey code and invitation token link decodes back exactly', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.constantFrom('http://127.0.0.1:3000', 'https://dichvucong.example.gov.vn/khao-sat'), async (token, base) => {
        const link = surveyUrl(base, token ? newSecretToken() : newSurveyCode());
        const bitmap = readPng(await qrPng(link, 'receipt'));
        expect(jsQR(bitmap.data, bitmap.width, bitmap.height)?.data).toBe(link);
      }),
      { numRuns: 25 },
    );
  });
});
