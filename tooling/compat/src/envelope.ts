import { randomBytes } from "node:crypto";
import nacl from "tweetnacl";
import { type ClaudemeshKeys, curvePublicKey, curveSecretKey } from "./keys.ts";

/** The two base64 fields of a `send` frame (standard alphabet, padded). */
export interface Envelope {
  nonce: string;
  ciphertext: string;
}

/** Only a lower-case 64-hex target counts as direct; anything else goes out in the clear. */
const DIRECT_TARGET = /^[0-9a-f]{64}$/;

/** Whether claudemesh seals a send to `targetSpec` (a lower-case key) or writes it as base64 text. */
export function isDirectTarget(targetSpec: string): boolean {
  return DIRECT_TARGET.test(targetSpec);
}

/**
 * The envelope claudemesh writes for `text`: to a key, `crypto_box_easy`
 * from the sender's secret to the recipient's key (both converted from
 * ed25519) with 24 random nonce bytes; to anything else (`*`, `@all`,
 * groups, names), the base64 of the UTF-8 text with a random nonce nothing
 * checks.
 */
export function sealFor(targetSpec: string, text: string, sender: ClaudemeshKeys): Envelope {
  const nonce = randomBytes(nacl.box.nonceLength);
  const message = Buffer.from(text, "utf8");
  if (!isDirectTarget(targetSpec)) {
    return { nonce: nonce.toString("base64"), ciphertext: message.toString("base64") };
  }
  const boxed = nacl.box(message, nonce, curvePublicKey(targetSpec), curveSecretKey(sender));
  return { nonce: nonce.toString("base64"), ciphertext: Buffer.from(boxed).toString("base64") };
}

/** `crypto_box_open_easy` of a push from `senderPubkey` with one of our secrets; undefined when it does not open. */
export function openBox(envelope: Envelope & { senderPubkey: string }, recipient: ClaudemeshKeys): string | undefined {
  if (!isDirectTarget(envelope.senderPubkey) || envelope.nonce === "" || envelope.ciphertext === "") return undefined;
  const nonce = Buffer.from(envelope.nonce, "base64");
  if (nonce.length !== nacl.box.nonceLength) return undefined;
  const opened = nacl.box.open(
    Buffer.from(envelope.ciphertext, "base64"),
    nonce,
    curvePublicKey(envelope.senderPubkey),
    curveSecretKey(recipient),
  );
  return opened === null ? undefined : Buffer.from(opened).toString("utf8");
}

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });
/** A control character other than tab, line feed and carriage return. */
const CONTROL = /(?![\t\n\r])\p{Cc}/u;

/**
 * The 1.x fallback for a push no key opens: the base64 of strict UTF-8 text
 * without control characters; undefined for sealed bytes and other junk.
 */
export function decodeBase64Text(ciphertext: string): string | undefined {
  let text: string;
  try {
    text = STRICT_UTF8.decode(Buffer.from(ciphertext, "base64"));
  } catch {
    return undefined;
  }
  return text === "" || CONTROL.test(text) ? undefined : text;
}
