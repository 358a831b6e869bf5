import type { Verdict } from "./classify.ts";

/** One unexpected reply, kept as an example for the report. */
export interface UnexpectedExample {
  input: string;
  reply: string;
  why: string;
}

/** Inputs and replies of one input class. */
export interface ClassTally {
  tried: number;
  unexpected: number;
  /** How often each reply (e.g. `error malformed, close 1008`) came back. */
  replies: Record<string, number>;
  examples: UnexpectedExample[];
}

const EXAMPLES_PER_CLASS = 3;
const PREVIEW_CHARS = 160;

/** A short, printable view of an input. */
export function preview(input: string | Uint8Array): string {
  if (typeof input !== "string") return `<binary ${input.byteLength} bytes>`;
  const shown = JSON.stringify(input.slice(0, PREVIEW_CHARS)).slice(1, -1);
  return input.length > PREVIEW_CHARS ? `${shown}… (${input.length} chars)` : shown;
}

/** Counts every input and verdict by class. */
export class Tally {
  readonly byClass = new Map<string, ClassTally>();

  record(cls: string, input: string, verdict: Verdict): void {
    let entry = this.byClass.get(cls);
    if (!entry) {
      entry = { tried: 0, unexpected: 0, replies: {}, examples: [] };
      this.byClass.set(cls, entry);
    }
    entry.tried++;
    entry.replies[verdict.reply] = (entry.replies[verdict.reply] ?? 0) + 1;
    if (!verdict.expected) {
      entry.unexpected++;
      if (entry.examples.length < EXAMPLES_PER_CLASS) {
        entry.examples.push({ input, reply: verdict.reply, why: verdict.why });
      }
    }
  }

  get tried(): number {
    return [...this.byClass.values()].reduce((n, c) => n + c.tried, 0);
  }

  get unexpected(): number {
    return [...this.byClass.values()].reduce((n, c) => n + c.unexpected, 0);
  }
}
