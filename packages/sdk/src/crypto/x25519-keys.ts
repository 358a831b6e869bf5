import { ed25519 } from "@noble/curves/ed25519.js";

/**
 * The X25519 public key of an ed25519 identity (the birational map of RFC 7748),
 * so one signing keypair also serves `crypto_box` (docs/protocol.md#envelope-encryption).
 */
export function x25519PublicKey(ed25519PublicKeyHex: string): Uint8Array {
  return ed25519.utils.toMontgomery(Buffer.from(ed25519PublicKeyHex, "hex"));
}

/** The X25519 secret key of an ed25519 seed: the clamped first half of SHA-512(seed), as libsodium derives it. */
export function x25519SecretKey(ed25519SeedHex: string): Uint8Array {
  return ed25519.utils.toMontgomerySecret(Buffer.from(ed25519SeedHex, "hex"));
}
