import type { Lang } from '../../schema/survey.js';
import { isRecord, randomUuid, readJson, writeJson, type KeyValueStore } from './storage.js';

/** Display choices, remembered on the device: language, text size (A-/A/A+) and high contrast. */
export interface Prefs {
  lang: Lang;
  size: TextSize;
  contrast: boolean;
}

export const TEXT_SIZES = ['small', 'normal', 'large'] as const;
export type TextSize = (typeof TEXT_SIZES)[number];

export const PREFS_KEY = 'sipas.prefs';
export const DEVICE_KEY = 'sipas.device';
export const DEFAULT_PREFS: Prefs = { lang: 'vi', size: 'normal', contrast: false };

export function loadPrefs(store: KeyValueStore): Prefs {
  const saved = readJson(store, PREFS_KEY);
  if (!isRecord(saved)) return DEFAULT_PREFS;
  return {
    lang: saved.lang === 'en' ? 'en' : 'vi',
    size: (TEXT_SIZES as readonly unknown[]).includes(saved.size) ? (saved.size as TextSize) : 'normal',
    contrast: saved.contrast === true,
  };
}

export function savePrefs(store: KeyValueStore, prefs: Prefs): void {
  writeJson(store, PREFS_KEY, prefs);
}

/** Puts the choices on <html> (lang attribute, classes the stylesheet keys on). */
export function applyPrefs(root: Pick<HTMLElement, 'lang' | 'className'>, prefs: Prefs, kiosk: boolean): void {
  root.lang = prefs.lang;
  root.className = [`text-${prefs.size}`, prefs.contrast ? 'contrast' : '', kiosk ? 'kiosk' : ''].filter(Boolean).join(' ');
}

/** A random id for this device, sent with each response so the server can spot repeated submissions. */
export function deviceMark(store: KeyValueStore): string {
  const saved = readJson(store, DEVICE_KEY);
  if (typeof saved === 'string' && /^[0-9a-f-]{36}$/.test(saved)) return saved;
  const mark = randomUuid();
  writeJson(store, DEVICE_KEY, mark);
  return mark;
}
