import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/** A column heading's visible words: without screen-reader-only text or decorative marks (sort arrows). */
function visibleHeading(cell: Element): string {
  const copy = cell.cloneNode(true) as Element;
  for (const hidden of copy.querySelectorAll('.sr-only, [aria-hidden="true"]')) hidden.remove();
  return (copy.textContent ?? '').trim();
}

/** Gives every body cell its column heading as `data-label`, which the card layout shows before the value. */
function labelCellsByColumn(box: HTMLElement): void {
  for (const table of box.querySelectorAll('table')) {
    const headingRow = table.tHead?.rows[table.tHead.rows.length - 1];
    if (!headingRow) continue;
    const headings: string[] = [];
    for (const cell of headingRow.cells) for (let i = 0; i < cell.colSpan; i++) headings.push(visibleHeading(cell));
    for (const body of table.tBodies) {
      for (const row of body.rows) {
        let column = 0;
        for (const cell of row.cells) {
          const label = headings[column] ?? '';
          if (cell.getAttribute('data-label') !== label) cell.setAttribute('data-label', label);
          column += cell.colSpan;
        }
      }
    }
  }
}

/**
 * A table's own region: wider tables scroll inside it, never the page, and keyboard users can reach
 * it (axe: scrollable-region-focusable). With `cards`, a phone shows each row as a card with every
 * value under its column's heading (styles.css), for tables whose columns do not fit side by side.
 */
export function TableBox({ label, cards, children }: { label: string; cards?: boolean; children: ComponentChildren }) {
  const box = useRef<HTMLDivElement>(null);
  // After every render: rows come and go with the data.
  useEffect(() => {
    if (cards && box.current) labelCellsByColumn(box.current);
  });
  return (
    <div ref={box} class={cards ? 'table-box cards' : 'table-box'} role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
