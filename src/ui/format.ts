/** Number formats shared by the Ink dashboard and the plain snapshot: short, aligned, never NaN. */

export function formatRate(perSec: number | null): string {
  if (perSec === null) return '-';
  if (perSec >= 10_000) return `${(perSec / 1000).toFixed(1)}k/s`;
  if (perSec >= 100) return `${Math.round(perSec)}/s`;
  return `${perSec.toFixed(1)}/s`;
}

export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}

export function formatCount(n: number | null): string {
  return n === null ? '-' : String(n);
}

/** kafkatop's ETA column: "-" when unknown, "never" when the lag does not shrink. */
export function formatCatchUp(seconds: number | 'never' | null): string {
  if (seconds === null) return '-';
  if (seconds === 'never') return 'never';
  if (seconds === 0) return 'caught up';
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

const BARS = '▁▂▃▄▅▆▇█';

/** The last `width` values as bars, scaled to their maximum (all zero: a flat line). */
export function sparkline(values: number[], width = 16): string {
  const tail = values.slice(-width);
  const max = Math.max(0, ...tail);
  const line = tail.map((v) => (max <= 0 ? BARS[0] : BARS[Math.min(BARS.length - 1, Math.round((v / max) * (BARS.length - 1)))])).join('');
  return line.padStart(width, ' ');
}

export function formatTime(ms: number): string {
  return new Date(ms).toTimeString().slice(0, 8);
}
