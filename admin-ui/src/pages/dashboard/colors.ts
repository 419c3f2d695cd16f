/** Chart colours with at least 3:1 contrast against white (WCAG non-text contrast). */
export const COLORS = {
  bar: '#0b5394',
  below: '#b3261e',
  target: '#8a4500',
  series: ['#0b5394', '#b3261e', '#2e7d32', '#8a4500', '#6a1b9a', '#00695c', '#ad1457', '#37474f', '#4527a0', '#827717'],
};

const HEAT_FROM = [255, 247, 214];
const HEAT_TO = [153, 27, 27];

function mixAt(t: number): { rgb: number[]; luminance: number } {
  const rgb = HEAT_FROM.map((c, i) => Math.round(c + (HEAT_TO[i]! - c) * t));
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return { rgb, luminance: 0.2126 * r + 0.7152 * g + 0.0722 * b };
}

/**
 * Heatmap fill for a dissatisfied share (0–100), pale yellow to dark red (saturating at 40%), and a
 * text colour with AA contrast on it. Fills whose luminance would allow neither dark nor white text
 * at 4.5:1 are darkened until white text does.
 */
export function heatColors(share: number | null): { background: string; color: string } {
  if (share === null) return { background: '#f2f2f2', color: '#474747' };
  let t = Math.min(1, share / 40);
  let mix = mixAt(t);
  if (mix.luminance >= 0.2245) return { background: `rgb(${mix.rgb.join(', ')})`, color: '#1b1b1b' };
  while (mix.luminance > 0.18 && t < 1) {
    t = Math.min(1, t + 0.02);
    mix = mixAt(t);
  }
  return { background: `rgb(${mix.rgb.join(', ')})`, color: '#ffffff' };
}
