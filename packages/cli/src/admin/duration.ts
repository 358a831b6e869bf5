const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/**
 * Parses a duration such as `30m`, `24h`, `7d` (also `s` and `w`) into
 * milliseconds. Undefined for anything else, zero, or more than `maxMs`.
 */
export function parseDuration(text: string, maxMs = Number.MAX_SAFE_INTEGER): number | undefined {
  const match = /^(\d{1,9})([smhdw])$/.exec(text.trim());
  if (!match) return undefined;
  const [, amount, unit] = match;
  const ms = Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return ms > 0 && ms <= maxMs ? ms : undefined;
}
