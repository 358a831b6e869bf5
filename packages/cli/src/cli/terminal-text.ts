import { TERMINAL_UNSAFE_CHARACTER } from "@mesh/shared";

const UNSAFE = new RegExp(TERMINAL_UNSAFE_CHARACTER.source, "g");
/** The escapes people read most easily; every other unsafe character becomes `\uXXXX`. */
const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

const unicodeEscape = (c: string): string => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`;

/**
 * `text` (anything a peer or the broker wrote: a message, a display name, a
 * summary, a cwd, an error message) made safe for a terminal: every control
 * character, line break and bidirectional formatting character
 * (`TERMINAL_UNSAFE_CHARACTER`) written as a visible escape (`\n`, `\r`, `\t`,
 * `\u001b`, `\u202e`). ESC can no longer start an OSC 52 clipboard write, a
 * title change or a conceal sequence, CR can no longer overwrite the line, LF
 * can no longer forge the next one, and an override can no longer reverse
 * what follows. Every human line of the CLI that carries such text goes
 * through here.
 */
export function terminalText(text: string): string {
  return text.replace(UNSAFE, (c) => NAMED[c] ?? unicodeEscape(c));
}

/**
 * `value` as one line of JSON that parses back to the same raw strings, with
 * no character a terminal would act on: `JSON.stringify` already escapes C0;
 * DEL, C1 and the bidirectional characters, which it leaves raw (and which
 * only appear inside strings), become `\uXXXX` escapes too.
 */
export function terminalJson(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE, unicodeEscape);
}
