import { describe, expect, test } from "bun:test";
import {
  decodePlaintextBroadcast,
  encodePlaintextBroadcast,
  readsPlaintext,
  sendsPlaintext,
} from "./plaintext-broadcast.ts";

const PUBKEY = "ab".repeat(32);
const b64 = (bytes: number[] | string) =>
  (typeof bytes === "string" ? Buffer.from(bytes, "utf8") : Buffer.from(bytes)).toString("base64");

describe("which envelopes travel as plaintext", () => {
  test("only a broadcast on a claudemesh mesh; a direct envelope never, a strict mesh never", () => {
    expect(sendsPlaintext("*", "claudemesh")).toBe(true);
    expect(sendsPlaintext("*", "strict")).toBe(false);
    expect(sendsPlaintext(PUBKEY, "claudemesh")).toBe(false);
    expect(sendsPlaintext(PUBKEY, "strict")).toBe(false);
  });

  test("only a claudemesh mesh reads an envelope no key opens as plaintext", () => {
    expect(readsPlaintext("claudemesh")).toBe(true);
    expect(readsPlaintext("strict")).toBe(false);
  });
});

describe("encodePlaintextBroadcast", () => {
  test("is what claudemesh clients send: padded standard base64 of the UTF-8 text, and 24 random bytes as nonce", () => {
    const text = "hello ünïcode ✓ 🚀?>>";
    const sent = encodePlaintextBroadcast(text);
    expect(sent.ciphertext).toBe(Buffer.from(text, "utf8").toString("base64"));
    expect(sent.ciphertext).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(sent.ciphertext.length % 4).toBe(0);
    expect(Buffer.from(sent.nonce, "base64")).toHaveLength(24);
    expect(sent.nonce).toHaveLength(32);
    expect(encodePlaintextBroadcast(text).nonce).not.toBe(sent.nonce);
    // Padding and the standard alphabet, where base64url would differ.
    expect(encodePlaintextBroadcast("a?").ciphertext).toBe("YT8=");
    expect(encodePlaintextBroadcast("\u00ff\u00fe").ciphertext).toBe("w7/Dvg==");
  });
});

describe("decodePlaintextBroadcast", () => {
  test("reads back valid UTF-8 text, keeping tabs, newlines and carriage returns", () => {
    for (const text of ["to everyone", "line one\nline two\r\n\ttabbed", "ünïcode ✓ 🚀", "\ufeffBOM kept", " "]) {
      expect(decodePlaintextBroadcast(encodePlaintextBroadcast(text).ciphertext)).toBe(text);
    }
  });

  test("refuses malformed UTF-8: stray continuation bytes, truncated sequences, overlongs, surrogates", () => {
    for (const bytes of [
      [0x80],
      [0x68, 0x69, 0xc3],
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xff, 0xfe, 0x41],
      [0xf4, 0x90, 0x80, 0x80],
    ]) {
      expect({ bytes, text: decodePlaintextBroadcast(b64(bytes)) }).toEqual({ bytes, text: undefined });
    }
  });

  test("refuses control characters other than tab, newline and CR: C0, DEL and C1", () => {
    for (const text of [
      "nul\u0000",
      "bell\u0007",
      "esc\u001b[31m",
      "vt\u000b",
      "ff\u000c",
      "del\u007f",
      "nel\u0085",
      "c1\u009b",
    ]) {
      expect({ text, read: decodePlaintextBroadcast(b64(text)) }).toEqual({ text, read: undefined });
    }
  });

  test("refuses what is not standard padded base64, and empty text", () => {
    const valid = b64("\u00ff\u00fe");
    expect(valid).toBe("w7/Dvg==");
    expect(decodePlaintextBroadcast(valid)).toBe("\u00ff\u00fe");
    for (const bad of ["", "w7/Dvg", "w7_Dvg==", "w7/Dvg== ", " w7/Dvg==", "!!!!", "YQ"]) {
      expect({ bad, read: decodePlaintextBroadcast(bad) }).toEqual({ bad, read: undefined });
    }
  });

  test("refuses sealed bytes: random binary of any length up to 4 KiB is not taken for text", () => {
    let taken = 0;
    for (let length = 17; length < 4096; length += 7) {
      if (decodePlaintextBroadcast(Buffer.from(crypto.getRandomValues(new Uint8Array(length))).toString("base64")))
        taken++;
    }
    expect(taken).toBe(0);
  });
});
