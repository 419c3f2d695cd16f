import {
  BarController,
  BarElement,
  CategoryScale,
  Chart as ChartJs,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartData,
  type ChartOptions,
  type Plugin,
} from 'chart.js';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { labelChars, wrapLabel, type ChartLabel } from './chart-labels.js';

// Only what the admin charts use, so the bundle carries no other controllers.
ChartJs.register(BarController, LineController, BarElement, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend);

export type ChartKind = 'bar' | 'line';

/** Lines of one category label on a horizontal bar chart, and the height each line needs. */
const MAX_LABEL_LINES = 3;
const LINE_PX = 15;

/** A horizontal or vertical reference line at `value` on the value axis (the target index). */
export interface ReferenceLine {
  value: number;
  label: string;
  color: string;
}

export interface ChartProps<K extends ChartKind> {
  kind: K;
  data: ChartData<K, (number | null)[], ChartLabel>;
  options?: ChartOptions<K>;
  /** Says what the chart shows; the same numbers are always in a table next to it. */
  label: string;
  height?: number;
  reference?: ReferenceLine;
  /** Called with the index of the clicked category (bar or point). */
  onSelect?: (index: number) => void;
}

function referencePlugin<K extends ChartKind>(line: ReferenceLine | undefined, horizontal: boolean): Plugin<K> {
  return {
    id: 'referenceLine',
    afterDatasetsDraw(chart) {
      if (!line) return;
      const scale = chart.scales[horizontal ? 'x' : 'y'];
      if (!scale) return;
      const at = scale.getPixelForValue(line.value);
      const { ctx, chartArea } = chart;
      ctx.save();
      ctx.strokeStyle = line.color;
      ctx.lineWidth = 2;
      ctx.setLineDash([6, 4]);
      ctx.beginPath();
      if (horizontal) {
        ctx.moveTo(at, chartArea.top);
        ctx.lineTo(at, chartArea.bottom);
      } else {
        ctx.moveTo(chartArea.left, at);
        ctx.lineTo(chartArea.right, at);
      }
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = line.color;
      ctx.font = '12px system-ui, sans-serif';
      ctx.textAlign = horizontal ? 'left' : 'right';
      // Above the plot area (charts leave room with layout.padding.top), so it never covers a bar.
      if (horizontal) ctx.fillText(line.label, Math.min(at + 4, chartArea.right - ctx.measureText(line.label).width), chartArea.top - 6);
      else ctx.fillText(line.label, chartArea.right, at - 4);
      ctx.restore();
    },
  };
}

/**
 * The one chart.js wrapper. Labels are drawn on the canvas (never parsed as HTML); the canvas is an
 * image with a text label for assistive technology, and every chart has a table with its numbers.
 */
export function Chart<K extends ChartKind>({ kind, data, options, label, height = 280, reference, onSelect }: ChartProps<K>) {
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<ChartJs<K, (number | null)[], ChartLabel> | null>(null);
  const select = useRef(onSelect);
  select.current = onSelect;
  const horizontal = (options as { indexAxis?: string } | undefined)?.indexAxis === 'y';

  // A horizontal chart's category labels are wrapped to the width it has (a phone gives it little).
  const [boxWidth, setBoxWidth] = useState(0);
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    // In steps of 20 px, so a resize by a few pixels does not redraw.
    const measure = () => setBoxWidth(Math.round(el.clientWidth / 20) * 20);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const labels = horizontal && boxWidth > 0 ? data.labels?.map((l) => wrapLabel(l, labelChars(boxWidth), MAX_LABEL_LINES)) : data.labels;
  const lines = Math.max(1, ...(labels ?? []).map((l) => (Array.isArray(l) ? l.length : 1)));
  const fitted = horizontal ? Math.max(height, (labels?.length ?? 0) * (lines * LINE_PX + 12) + 60) : height;

  useEffect(() => {
    if (!canvas.current || boxWidth === 0) return;
    const created = new ChartJs<K, (number | null)[], ChartLabel>(canvas.current, {
      type: kind,
      data: { ...data, ...(labels && { labels }) },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        ...options,
        onClick: (_event, elements) => {
          const hit = elements[0];
          if (hit && select.current) select.current(hit.index);
        },
        onHover: (event, elements) => {
          const target = event.native?.target as HTMLElement | undefined;
          if (target) target.style.cursor = elements.length && select.current ? 'pointer' : 'default';
        },
      } as ChartOptions<K>,
      plugins: [referencePlugin<K>(reference, horizontal)],
    });
    chart.current = created;
    return () => {
      created.destroy();
      chart.current = null;
    };
  }, [kind, JSON.stringify(data), JSON.stringify(labels), JSON.stringify(options), reference?.value, reference?.label, boxWidth === 0]);

  return (
    <div ref={box} class="chart" style={{ height: `${fitted}px` }}>
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}
