import { createHash, randomBytes } from "node:crypto";
import { BROADCAST_TARGET, type ClientProfile, type Ed25519KeyPair } from "@mesh/shared";
import nacl from "tweetnacl";
import {
  decodePlaintextBroadcast,
  type EnvelopeFields,
  encodePlaintextBroadcast,
  readsPlaintext,
  sendsPlaintext,
} from "./plaintext-broadcast.ts";
import { x25519PublicKey, x25519SecretKey } from "./x25519-keys.ts";

/** The two base64 fields of a `send` frame. */
export type SealedEnvelope = EnvelopeFields;

/** An envelope's text, and whether a key protected it on the way (false: a plaintext broadcast). */
export interface OpenedEnvelope {
  text: string;
  encrypted: boolean;
}

/** Shared keys kept per peer; a mesh rarely has more members than this. */
const MAX_CACHED_PEERS = 4096;

/**
 * End-to-end encryption of envelopes (docs/protocol.md#envelope-encryption). A direct envelope is a NaCl
 * `crypto_box` (X25519 + XSalsa20-Poly1305, the same bytes libsodium's
 * `crypto_box_easy` makes) from the sender's to the recipient's key, both
 * converted from ed25519. A broadcast is a `crypto_secretbox` under a key
 * derived from the mesh root key every member received in its invite: one
 * ciphertext that every member, and nobody else, can open. On a mesh with the
 * `claudemesh` profile (docs/compatibility.md#client-profiles) a broadcast
 * goes out as claudemesh clients send it, base64 text NOT encrypted, and one
 * that no key opens is read as such; a `strict` mesh never sends or shows
 * plaintext.
 */
export class EnvelopeCipher {
  readonly #secretKey: Uint8Array;
  readonly #broadcastKey: Uint8Array;
  readonly #sharedKeys = new Map<string, Uint8Array>();

  constructor(identity: Ed25519KeyPair, meshRootKey: string) {
    this.#secretKey = x25519SecretKey(identity.secretKey);
    this.#broadcastKey = broadcastKey(meshRootKey);
  }

  /**
   * Encrypts `text` for `targetSpec`: a member's pubkey, or `*` for everyone
   * else. On a `claudemesh` mesh a broadcast is encoded, not encrypted.
   */
  seal(targetSpec: string, text: string, profile: ClientProfile = "strict"): SealedEnvelope {
    if (sendsPlaintext(targetSpec, profile)) return encodePlaintextBroadcast(text);
    const nonce = randomBytes(nacl.box.nonceLength);
    const message = Buffer.from(text, "utf8");
    const key = targetSpec === BROADCAST_TARGET ? this.#broadcastKey : this.#sharedKey(targetSpec);
    const sealed = nacl.secretbox(message, nonce, key);
    return { nonce: nonce.toString("base64"), ciphertext: Buffer.from(sealed).toString("base64") };
  }

  /**
   * Decrypts an envelope from `senderPubkey`: as a direct box first, then as
   * a broadcast sealed with the mesh key; on a `claudemesh` mesh, then as a
   * plaintext broadcast (`encrypted: false`). Undefined when none of these
   * reads it (tampered, not for us, or not text).
   */
  open(
    envelope: SealedEnvelope & { senderPubkey: string },
    profile: ClientProfile = "strict",
  ): OpenedEnvelope | undefined {
    const text = this.#openWithKeys(envelope);
    if (text !== undefined) return { text, encrypted: true };
    if (!readsPlaintext(profile)) return undefined;
    const plaintext = decodePlaintextBroadcast(envelope.ciphertext);
    return plaintext === undefined ? undefined : { text: plaintext, encrypted: false };
  }

  /** The text of an envelope the peer's key or the mesh key opens; undefined otherwise. */
  #openWithKeys(envelope: SealedEnvelope & { senderPubkey: string }): string | undefined {
    const nonce = Buffer.from(envelope.nonce, "base64");
    const box = Buffer.from(envelope.ciphertext, "base64");
    if (nonce.length !== nacl.box.nonceLength || box.length < nacl.box.overheadLength) return undefined;
    let shared: Uint8Array;
    try {
      shared = this.#sharedKey(envelope.senderPubkey);
    } catch {
      return undefined;
    }
    const opened = nacl.secretbox.open(box, nonce, shared) ?? nacl.secretbox.open(box, nonce, this.#broadcastKey);
    return opened ? Buffer.from(opened).toString("utf8") : undefined;
  }

  /** `crypto_box_beforenm` with a peer, computed once per peer (it costs a scalar multiplication). */
  #sharedKey(peerPubkeyHex: string): Uint8Array {
    const peer = peerPubkeyHex.toLowerCase();
    let key = this.#sharedKeys.get(peer);
    if (!key) {
      if (!/^[0-9a-f]{64}$/.test(peer)) throw new Error("a peer key must be 64 hex characters");
      key = nacl.box.before(x25519PublicKey(peer), this.#secretKey);
      if (this.#sharedKeys.size >= MAX_CACHED_PEERS) this.#sharedKeys.clear();
      this.#sharedKeys.set(peer, key);
    }
    return key;
  }
}

/** The secretbox key of a mesh's broadcasts: SHA-256 over a label and the root key, whatever its encoding. */
function broadcastKey(meshRootKey: string): Uint8Array {
  return createHash("sha256").update("mesh-broadcast-v1|").update(meshRootKey, "utf8").digest();
}
