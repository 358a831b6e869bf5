import { decodeBase64Text, openBox } from "./envelope.ts";
import type { Frame } from "./frame-socket.ts";
import type { ClaudemeshLine } from "./hello-frames.ts";
import type { ClaudemeshKeys } from "./keys.ts";

/** A received `push` and what a claudemesh client made of it. */
export interface ReceivedPush {
  push: Frame;
  /** The text, if a key opened it or it read as base64 text; undefined otherwise. */
  text: string | undefined;
  openedWith: "session" | "member" | "plaintext" | undefined;
}

/**
 * Opens a push as claudemesh does, by `push.senderPubkey`: the 1.x line
 * tries its session secret, then its member secret, and reads what no key
 * opens as base64 text (the 0.2+ fallback); v0.1 tries only its member
 * secret and reads base64 text only from a push without a sender.
 */
export function readPush(
  push: Frame,
  line: ClaudemeshLine,
  keys: { session: ClaudemeshKeys | undefined; member: ClaudemeshKeys },
): ReceivedPush {
  const envelope = {
    nonce: String(push.nonce ?? ""),
    ciphertext: String(push.ciphertext ?? ""),
    senderPubkey: String(push.senderPubkey ?? ""),
  };
  const tried: ["session" | "member", ClaudemeshKeys | undefined][] =
    line === "1.x"
      ? [
          ["session", keys.session],
          ["member", keys.member],
        ]
      : [["member", keys.member]];
  for (const [which, key] of tried) {
    const text = key ? openBox(envelope, key) : undefined;
    if (text !== undefined) return { push, text, openedWith: which };
  }
  const fallback = line === "1.x" || envelope.senderPubkey === "";
  const text = fallback ? decodeBase64Text(envelope.ciphertext) : undefined;
  return { push, text, openedWith: text === undefined ? undefined : "plaintext" };
}
