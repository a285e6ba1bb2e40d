import { useEffect, useMemo, useRef, useState } from 'react';
import type { Heatmap } from '../api';
import { formatDuration, formatNumber, formatTime } from '../format';

export interface HeatRegion {
  /** Unix milliseconds. */
  from: number;
  to: number;
  low: number;
  high: number;
}

interface Props {
  heatmap: Heatmap;
  /** How many time buckets the range holds. */
  buckets: number;
  height?: number;
  onPickCell?: (r: HeatRegion) => void;
  onSelect?: (r: HeatRegion) => void;
}

const PAD = { left: 72, right: 12, top: 8, bottom: 26 };

/** Layout of a heatmap: time on x, the column on a log scale on y. Pure, so it is tested alone. */
export function heatLayout(h: Heatmap, buckets: number, width: number, height: number) {
  const lows = h.cells.map((c) => c.low).filter((v) => v > 0);
  const min = lows.length ? Math.min(...lows) : 1;
  const max = h.cells.length ? Math.max(...h.cells.map((c) => c.high)) : 10;
  const lmin = Math.log(Math.max(min, 1e-9));
  const lmax = Math.log(Math.max(max, min * 1.0001));
  const n = Math.max(1, buckets, ...h.cells.map((c) => c.t + 1));
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const x = (t: number) => PAD.left + (t / n) * plotW;
  const y = (v: number) => PAD.top + plotH - ((Math.log(Math.max(v, min)) - lmin) / (lmax - lmin || 1)) * plotH;
  const tAt = (px: number) => Math.min(n - 1, Math.max(0, Math.floor(((px - PAD.left) / plotW) * n)));
  const vAt = (py: number) => Math.exp(lmin + ((PAD.top + plotH - py) / plotH) * (lmax - lmin));
  const maxCount = Math.max(1, ...h.cells.map((c) => c.count));
  return { n, x, y, tAt, vAt, min, max, maxCount, plotW, plotH };
}

function colour(frac: number, dark: boolean): string {
  // From the background towards a saturated orange-red, on a log scale of counts.
  const l = dark ? 18 + frac * 50 : 92 - frac * 50;
  return `hsl(${28 - frac * 20} 90% ${l}%)`;
}

export function HeatmapChart({ heatmap, buckets, height = 260, onPickCell, onSelect }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const wrap = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  const [drag, setDrag] = useState<{ x0: number; y0: number; x1: number; y1: number } | null>(null);
  const [hover, setHover] = useState<string>('');
  const layout = useMemo(() => heatLayout(heatmap, buckets, width, height), [heatmap, buckets, width, height]);
  const stepMs = heatmap.step / 1e6;
  const fromMs = heatmap.from / 1e6;
  const isDur = heatmap.column === 'duration';
  const fmt = isDur ? formatDuration : formatNumber;

  useEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(320, el.clientWidth)));
    ro.observe(el);
    setWidth(Math.max(320, el.clientWidth));
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    const dpr = window.devicePixelRatio || 1;
    canvas.current!.width = width * dpr;
    canvas.current!.height = height * dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const css = getComputedStyle(document.documentElement);
    const dark = document.documentElement.dataset.theme === 'dark';
    const muted = css.getPropertyValue('--muted').trim() || '#888';
    ctx.clearRect(0, 0, width, height);
    const L = layout;
    const cw = Math.max(1, L.plotW / L.n);
    for (const c of heatmap.cells) {
      const frac = Math.log(1 + c.count) / Math.log(1 + L.maxCount);
      ctx.fillStyle = colour(frac, dark);
      const y0 = L.y(c.high);
      const y1 = L.y(c.low);
      ctx.fillRect(L.x(c.t), y0, Math.ceil(cw), Math.max(1, y1 - y0));
    }
    ctx.fillStyle = muted;
    ctx.strokeStyle = muted;
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (let p = Math.floor(Math.log10(L.min)); p <= Math.ceil(Math.log10(L.max)); p++) {
      const v = 10 ** p;
      if (v < L.min / 1.01 || v > L.max * 1.01) continue;
      ctx.fillText(fmt(v), PAD.left - 6, L.y(v));
      ctx.fillRect(PAD.left - 3, L.y(v), 3, 1);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const ticks = Math.min(6, L.n);
    for (let i = 0; i <= ticks; i++) {
      const t = Math.round((i / ticks) * L.n);
      const ms = fromMs + t * stepMs;
      ctx.textAlign = i === 0 ? 'left' : i === ticks ? 'right' : 'center';
      ctx.fillText(formatTime(ms * 1e6).slice(0, 8), L.x(t), height - PAD.bottom + 6);
    }
    if (drag) {
      ctx.fillStyle = 'rgba(80,140,255,0.18)';
      ctx.strokeStyle = 'rgba(80,140,255,0.9)';
      const x = Math.min(drag.x0, drag.x1);
      const y = Math.min(drag.y0, drag.y1);
      ctx.fillRect(x, y, Math.abs(drag.x1 - drag.x0), Math.abs(drag.y1 - drag.y0));
      ctx.strokeRect(x, y, Math.abs(drag.x1 - drag.x0), Math.abs(drag.y1 - drag.y0));
    }
  }, [heatmap, layout, width, height, drag, fromMs, stepMs, fmt]);

  const pos = (e: React.MouseEvent) => {
    const r = canvas.current!.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  const region = (x0: number, y0: number, x1: number, y1: number): HeatRegion => {
    const t0 = layout.tAt(Math.min(x0, x1));
    const t1 = layout.tAt(Math.max(x0, x1));
    return {
      from: fromMs + t0 * stepMs,
      to: fromMs + (t1 + 1) * stepMs,
      low: layout.vAt(Math.max(y0, y1)),
      high: layout.vAt(Math.min(y0, y1)),
    };
  };

  const total = heatmap.cells.reduce((s, c) => s + c.count, 0);
  return (
    <div className="heatmap" ref={wrap}>
      <canvas
        ref={canvas}
        style={{ width, height }}
        role="img"
        aria-label={`Heatmap of ${heatmap.column}: ${total} events from ${fmt(layout.min)} to ${fmt(layout.max)}. Drag to compare a region with the rest.`}
        data-testid={`heatmap-${heatmap.column}`}
        onMouseDown={(e) => {
          const p = pos(e);
          setDrag({ x0: p.x, y0: p.y, x1: p.x, y1: p.y });
        }}
        onMouseMove={(e) => {
          const p = pos(e);
          if (drag) setDrag({ ...drag, x1: p.x, y1: p.y });
          const t = layout.tAt(p.x);
          const v = layout.vAt(p.y);
          const cell = heatmap.cells.find((c) => c.t === t && c.low <= v && v < c.high);
          setHover(
            `${formatTime((fromMs + t * stepMs) * 1e6)} · ${fmt(v)}${cell ? ` · ${cell.count} events in ${fmt(cell.low)}–${fmt(cell.high)}` : ''}`,
          );
        }}
        onMouseLeave={() => setHover('')}
        onMouseUp={(e) => {
          if (!drag) return;
          const p = pos(e);
          const moved = Math.abs(p.x - drag.x0) + Math.abs(p.y - drag.y0) > 6;
          setDrag(null);
          if (moved) {
            onSelect?.(region(drag.x0, drag.y0, p.x, p.y));
          } else {
            const t = layout.tAt(p.x);
            const v = layout.vAt(p.y);
            const cell = heatmap.cells.find((c) => c.t === t && c.low <= v && v < c.high);
            if (cell) onPickCell?.({ from: fromMs + t * stepMs, to: fromMs + (t + 1) * stepMs, low: cell.low, high: cell.high });
          }
        }}
      />
      <div className="hint">{hover || 'Click a cell for its traces; drag a region to compare it with the rest.'}</div>
    </div>
  );
}
