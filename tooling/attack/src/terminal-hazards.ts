/** What a terminal would act on instead of showing, found in a program's output. */
export interface TerminalHazards {
  /** C0 controls other than newline and tab (ESC, BEL, CR, …), DEL, and C1 controls. */
  controls: number;
  /** Bidirectional formatting characters (RLO, LRI, …) that reorder what is shown. */
  bidi: number;
  /** The first few, escaped for people (`\x1b`, `\u202e`). */
  examples: string[];
}

const BIDI = new Set([0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]);

function isControl(code: number): boolean {
  if (code === 0x0a || code === 0x09) return false;
  return code < 0x20 || code === 0x7f || (code >= 0x80 && code <= 0x9f);
}

const escaped = (code: number) =>
  code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;

/** Counts the characters of `text` that a terminal interprets rather than prints. */
export function findTerminalHazards(text: string): TerminalHazards {
  const found: TerminalHazards = { controls: 0, bidi: 0, examples: [] };
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const kind = isControl(code) ? "controls" : BIDI.has(code) ? "bidi" : undefined;
    if (!kind) continue;
    found[kind] += 1;
    if (found.examples.length < 6) found.examples.push(escaped(code));
  }
  return found;
}
