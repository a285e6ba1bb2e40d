import type { Cell } from './api';

/** Nanoseconds as a short human duration. */
export function formatDuration(ns: number | null | undefined): string {
  if (ns === null || ns === undefined || Number.isNaN(ns)) return '–';
  const a = Math.abs(ns);
  if (a < 1e3) return `${Math.round(ns)} ns`;
  if (a < 1e6) return `${trim(ns / 1e3)} µs`;
  if (a < 1e9) return `${trim(ns / 1e6)} ms`;
  if (a < 60e9) return `${trim(ns / 1e9)} s`;
  if (a < 3600e9) return `${trim(ns / 60e9)} min`;
  return `${trim(ns / 3600e9)} h`;
}

function trim(x: number): string {
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : x.toFixed(2);
}

export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  if (Number.isInteger(x)) return x.toLocaleString('en-US');
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 1) return x.toFixed(2);
  if (a === 0) return '0';
  return x.toPrecision(3);
}

/** A calculation over a duration-like column is shown as a duration (`p99(duration)`). */
export function isDurationColumn(name: string): boolean {
  return /^(sum|avg|min|max|p\d+)\((duration|.*duration.*)\)$/.test(name) || name === 'duration';
}

export function formatCell(column: string, v: Cell): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'number') return isDurationColumn(column) ? formatDuration(v) : formatNumber(v);
  return String(v);
}

/** Unix nanoseconds (number or string) → local time with milliseconds. */
export function formatTime(ns: number | string, withDate = false): string {
  const ms = typeof ns === 'string' ? Number(BigInt(ns) / 1000000n) : ns / 1e6;
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  return withDate ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}` : time;
}

export function formatPercent(x: number, digits = 1): string {
  return `${(x * 100).toFixed(digits)} %`;
}
