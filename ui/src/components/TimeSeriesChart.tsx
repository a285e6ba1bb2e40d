import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Series } from '../api';
import { PALETTE } from '../colors';
import { formatDuration, formatNumber, isDurationColumn } from '../format';

export interface SeriesPick {
  /** Bucket start and end, Unix milliseconds. */
  from: number;
  to: number;
  /** Index into series.groups, or -1 when the click was not near a line. */
  group: number;
}

interface Props {
  series: Series;
  calc: string;
  labels: string[];
  height?: number;
  onPick?: (p: SeriesPick) => void;
  onSelect?: (fromMs: number, toMs: number) => void;
}

/** One calculation of a query's series, one line per group; click a point, drag to select. */
export function TimeSeriesChart({ series, calc, labels, height = 220, onPick, onSelect }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const handlers = useRef({ onPick, onSelect });
  handlers.current = { onPick, onSelect };

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const stepS = series.step / 1e9;
    const fromS = series.from / 1e9;
    const xs = Array.from({ length: series.buckets }, (_, i) => fromS + i * stepS);
    const data: uPlot.AlignedData = [xs, ...series.groups.map((g) => (g.values[calc] ?? []).map((v) => v ?? null))];
    const fmt = isDurationColumn(calc) ? formatDuration : formatNumber;
    const css = getComputedStyle(document.documentElement);
    const fg = css.getPropertyValue('--muted').trim() || '#888';
    const grid = css.getPropertyValue('--grid').trim() || '#8883';
    const opts: uPlot.Options = {
      width: Math.max(300, el.clientWidth),
      height,
      cursor: { drag: { x: true, y: false }, points: { size: 7 } },
      legend: { show: series.groups.length <= 12 },
      scales: { x: { time: true } },
      axes: [
        { stroke: fg, grid: { stroke: grid } },
        { stroke: fg, grid: { stroke: grid }, size: 70, values: (_u, vals) => vals.map((v) => fmt(v)) },
      ],
      series: [
        {},
        ...series.groups.map((_, i) => ({
          label: labels[i] ?? `group ${i + 1}`,
          stroke: PALETTE[i % PALETTE.length],
          width: 1.5,
          spanGaps: false,
          value: (_u: uPlot, v: number | null) => (v === null ? '–' : fmt(v)),
        })),
      ],
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 4 || !handlers.current.onSelect) return;
            const a = u.posToVal(u.select.left, 'x');
            const b = u.posToVal(u.select.left + u.select.width, 'x');
            handlers.current.onSelect(a * 1000, b * 1000);
          },
        ],
      },
    };
    const plot = new uPlot(opts, data, el);
    const click = (ev: MouseEvent) => {
      const idx = plot.cursor.idx;
      if (idx === null || idx === undefined || !handlers.current.onPick || plot.select.width > 3) return;
      const top = plot.cursor.top ?? 0;
      let best = -1;
      let bestDist = 24;
      for (let s = 1; s < data.length; s++) {
        const v = data[s][idx];
        if (v === null || v === undefined) continue;
        const d = Math.abs(plot.valToPos(v as number, 'y') - top);
        if (d < bestDist) {
          bestDist = d;
          best = s - 1;
        }
      }
      ev.stopPropagation();
      const from = (fromS + idx * stepS) * 1000;
      handlers.current.onPick({ from, to: from + stepS * 1000, group: best });
    };
    plot.over.addEventListener('click', click);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(300, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [series, calc, labels, height]);

  return <div className="chart" ref={host} data-testid={`series-${calc}`} />;
}
