import { z } from "zod";
import type { EnvVariable, IntegerRange } from "./env-variable.ts";

const UNSIGNED_DECIMAL = /^[0-9]+$/;
const SIGNED_DECIMAL = /^-?[0-9]+$/;

/**
 * Reads `raw` as a plain decimal integer within `range`: digits only (a minus
 * sign only when the range goes below zero), no whitespace, no `+`, no hex,
 * octal or binary prefix, no exponent, no fraction, no digit separators.
 */
export function parseDecimalInteger(
  raw: string,
  range: IntegerRange,
): { ok: true; value: number } | { ok: false; problem: string } {
  if (!(range.min < 0 ? SIGNED_DECIMAL : UNSIGNED_DECIMAL).test(raw)) {
    return { ok: false, problem: "is not a plain decimal integer" };
  }
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value > range.max) return { ok: false, problem: `is above ${range.max}` };
  if (value < range.min) return { ok: false, problem: `is below ${range.min}` };
  return { ok: true, value };
}

/** "an integer from 1 to 600000 (milliseconds)". */
export function describeRange(range: IntegerRange): string {
  return `an integer from ${range.min} to ${range.max}${range.unit ? ` (${range.unit})` : ""}`;
}

/**
 * An integer variable with a default and bounds on both sides; `note` adds a
 * rule checked elsewhere to the accepted text.
 */
export function integerVariable(options: IntegerRange & { fallback: number; meaning: string; note?: string }) {
  const { fallback, meaning, note, ...range } = options;
  const schema = z
    .string()
    .transform((raw, ctx) => {
      const parsed = parseDecimalInteger(raw, range);
      if (parsed.ok) return parsed.value;
      ctx.addIssue({ code: "custom", message: parsed.problem });
      return z.NEVER;
    })
    .default(fallback);
  return {
    schema,
    shownDefault: String(fallback),
    accepted: note ? `${describeRange(range)}, ${note}` : describeRange(range),
    meaning,
    range,
  } satisfies EnvVariable;
}
