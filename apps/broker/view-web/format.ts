/** "42s", "3m 05s", "2h 10m", "4d 2h": how long ago (or how long for), to a reader. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, "0")}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** The first block of a UUID: enough to tell instances apart on screen. */
export function shortId(id: string): string {
  return id.split("-")[0] ?? id;
}

/** A rate with one decimal, or a dash while unknown. */
export function formatRate(perSec: number | null): string {
  return perSec === null ? "—" : perSec.toFixed(1);
}
