import type { Prng } from "../prng.ts";
import { json } from "./json-text.ts";

/** Numbers JSON can carry but a careless parser chokes on. */
const NUMBERS = [
  "0",
  "-1",
  "-0",
  "0.5",
  "1e308",
  "-1e308",
  "1e999",
  "-1e999",
  "1e-400",
  "9007199254740993",
  "123456789012345678901234567890",
  "2147483648",
  "4294967296",
  "9223372036854775808",
];

/** Values of every other JSON type. */
const WRONG_TYPES = ["null", "true", "false", "[]", "{}", "[1,2,3]", '{"a":1}', '""', '" "', '"0"'];

/** Unicode that breaks naive code paths: lone surrogates, NUL, controls, RTL, BOM, emoji. */
export const ODD_UNICODE = [
  "\\ud800",
  "\\udfff",
  "\\udc00\\ud800",
  "a\\u0000b",
  "\\u0000",
  "\\u0001\\u001f\\u007f",
  "\\u202eevil\\u202c",
  "\\ufeff",
  "\\uffff\\ufffe",
  "😀👩‍👩‍👧‍👦",
  "e\\u0301\\u0301\\u0301",
  "\\u200b\\u200d\\u2028\\u2029",
  "مرحبا",
  "𝕳𝖊𝖑𝖑𝖔",
];

/** Strings that look meaningful to something downstream. */
const LOOKALIKES = [
  "*",
  "'; drop table mesh.member; --",
  "%s%s%n",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, literally.
  "${7*7}",
  "__proto__",
  "../../etc/passwd",
  "====",
  "abc",
  "idle ",
  "IDLE",
  "now\\u0000",
  "1e5",
  "-1",
];

/** A JSON string of odd unicode pieces. */
export function oddUnicodeText(rng: Prng): string {
  const pieces = Array.from({ length: rng.int(1, 4) }, () => rng.pick(ODD_UNICODE));
  // The pieces are already JSON-escaped (or plain), so they go between quotes as they are.
  return `"${pieces.join("")}"`;
}

/** A JSON string of `length` characters. */
export function longStringText(rng: Prng, length: number): string {
  return json(rng.string(length, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/="));
}

/** `[[[…]]]` or `{"a":{"a":…}}` nested `depth` levels. */
export function deepText(rng: Prng, depth: number): string {
  if (rng.chance(0.5)) return "[".repeat(depth) + "]".repeat(depth);
  // Six characters a level: keep the deepest object under a 64 KiB frame too.
  const levels = Math.min(depth, 10_000);
  return `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;
}

/** A nesting depth that still fits in a 64 KiB frame. */
export function deepDepth(rng: Prng): number {
  return rng.pick([64, 1000, 5000, 12_000]);
}

/** One hostile JSON value of any kind, under `maxLength` characters. */
export function hostileValueText(rng: Prng, maxLength = 60_000): string {
  switch (rng.int(0, 5)) {
    case 0:
      return rng.pick(NUMBERS);
    case 1:
      return rng.pick(WRONG_TYPES);
    case 2:
      return oddUnicodeText(rng);
    case 3:
      return longStringText(rng, rng.pick([201, 4097, 20_000, Math.min(maxLength, 60_000)]));
    case 4:
      return deepText(rng, Math.min(deepDepth(rng), Math.floor(maxLength / 6)));
    default:
      return `"${rng.pick(LOOKALIKES)}"`;
  }
}

/** A hostile value or a near miss of `validText`: one character changed, cut short, or doubled. */
export function flipText(rng: Prng, validText: string): string {
  if (!validText.startsWith('"') || validText.length < 3) return hostileValueText(rng);
  const inner = validText.slice(1, -1);
  const at = rng.int(0, inner.length - 1);
  switch (rng.int(0, 3)) {
    case 0:
      return json(inner.slice(0, at) + rng.string(1, "0123456789abcdefXYZ+/=-_ ") + inner.slice(at + 1));
    case 1:
      return json(inner.slice(0, at));
    case 2:
      return json(inner + inner);
    default:
      return json(inner.toUpperCase());
  }
}
