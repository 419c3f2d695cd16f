/** A category label; several strings are drawn as lines. */
export type ChartLabel = string | string[];

/** About how wide one character of chart.js's 12 px default font is. */
const CHAR_PX = 6.5;

/**
 * How many characters fit on one line of a horizontal bar chart's category axis: chart.js gives
 * the axis at most half of the chart's width, and clips what does not fit from the left.
 */
export function labelChars(chartWidth: number): number {
  return Math.max(12, Math.floor((chartWidth / 2 - 16) / CHAR_PX));
}

/** Breaks a label into lines of at most `maxChars` at spaces, keeping at most `maxLines` (the last one cut with "…"). */
export function wrapLabel(label: ChartLabel, maxChars: number, maxLines: number): ChartLabel {
  const parts = Array.isArray(label) ? label : [label];
  if (parts.length <= maxLines && parts.every((p) => p.length <= maxChars)) return label;
  const cut = (text: string) => (text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text);
  const lines: string[] = [];
  for (const part of parts) {
    let line = '';
    for (const word of part.split(' ')) {
      if (line && line.length + 1 + word.length > maxChars) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    if (line) lines.push(line);
  }
  if (lines.length > maxLines) lines.splice(maxLines - 1, lines.length, `${lines[maxLines - 1]}…`);
  return lines.map(cut);
}
