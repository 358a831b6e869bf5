import { randomBytes } from "node:crypto";
import { BROADCAST_TARGET, type ClientProfile } from "@mesh/shared";

/** The two base64 fields of a `send` frame. */
export interface EnvelopeFields {
  nonce: string;
  ciphertext: string;
}

/** claudemesh clients send 24 random bytes as the nonce of a broadcast: a placeholder nothing checks. */
const PLACEHOLDER_NONCE_BYTES = 24;
/** Standard base64 with padding, the only form claudemesh clients write (and the broker accepts). */
const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Refuses malformed UTF-8 instead of replacing it; keeps a leading BOM as text. */
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
/** A control character (Unicode category Cc: C0, DEL, C1) other than tab, line feed and carriage return. */
const FORBIDDEN_CONTROL = /(?![\t\n\r])\p{Cc}/u;

/**
 * Whether an envelope for `targetSpec` travels as plaintext
 * (docs/compatibility.md#client-profiles): only a broadcast, and only on a
 * `claudemesh` mesh. Direct envelopes are sealed in every profile.
 */
export function sendsPlaintext(targetSpec: string, profile: ClientProfile): boolean {
  return targetSpec === BROADCAST_TARGET && profile === "claudemesh";
}

/** Whether an envelope no key opens may be read as plaintext: only on a `claudemesh` mesh, never on a `strict` one. */
export function readsPlaintext(profile: ClientProfile): boolean {
  return profile === "claudemesh";
}

/**
 * A broadcast exactly as claudemesh clients send it: `ciphertext` is the
 * standard base64 of the UTF-8 text, NOT encrypted; `nonce` is the base64 of
 * 24 random bytes.
 */
export function encodePlaintextBroadcast(text: string): EnvelopeFields {
  return {
    nonce: randomBytes(PLACEHOLDER_NONCE_BYTES).toString("base64"),
    ciphertext: Buffer.from(text, "utf8").toString("base64"),
  };
}

/**
 * The text of a plaintext broadcast: undefined unless `ciphertext` is
 * standard base64 of non-empty, valid UTF-8 holding no control character
 * other than tab, line feed or carriage return, so sealed bytes and binary
 * junk are never shown as text.
 */
export function decodePlaintextBroadcast(ciphertext: string): string | undefined {
  if (ciphertext === "" || !STANDARD_BASE64.test(ciphertext)) return undefined;
  let text: string;
  try {
    text = STRICT_UTF8.decode(Buffer.from(ciphertext, "base64"));
  } catch {
    return undefined;
  }
  return text === "" || FORBIDDEN_CONTROL.test(text) ? undefined : text;
}
