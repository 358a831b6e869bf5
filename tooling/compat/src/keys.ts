import { createHash } from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519.js";
import nacl from "tweetnacl";

/**
 * An ed25519 keypair as claudemesh keeps one: the public key as 64 lower-case
 * hex characters, the secret as libsodium's 64 bytes (seed then public key)
 * in 128 hex characters.
 */
export interface ClaudemeshKeys {
  publicKey: string;
  secretKey: string;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

/** A fresh keypair (`crypto_sign_keypair`). */
export function generateKeys(): ClaudemeshKeys {
  const pair = nacl.sign.keyPair();
  return { publicKey: hex(pair.publicKey), secretKey: hex(pair.secretKey) };
}

/** `crypto_sign_detached` over the UTF-8 bytes of `message`, as 128 lower-case hex characters. */
export function signDetached(keys: ClaudemeshKeys, message: string): string {
  return hex(nacl.sign.detached(Buffer.from(message, "utf8"), Buffer.from(keys.secretKey, "hex")));
}

/** `crypto_sign_verify_detached`; false for any key or signature of the wrong length. */
export function verifyDetached(publicKeyHex: string, message: string, signatureHex: string): boolean {
  const publicKey = Buffer.from(publicKeyHex, "hex");
  const signature = Buffer.from(signatureHex, "hex");
  if (publicKey.length !== nacl.sign.publicKeyLength || signature.length !== nacl.sign.signatureLength) return false;
  return nacl.sign.detached.verify(Buffer.from(message, "utf8"), signature, publicKey);
}

/** `crypto_sign_ed25519_pk_to_curve25519`: the X25519 public key of an ed25519 public key. */
export function curvePublicKey(ed25519PublicKeyHex: string): Uint8Array {
  return ed25519.utils.toMontgomery(Buffer.from(ed25519PublicKeyHex, "hex"));
}

/**
 * `crypto_sign_ed25519_sk_to_curve25519`: the clamped first half of
 * SHA-512 of the seed (the first 32 bytes of the 64-byte secret).
 */
export function curveSecretKey(keys: ClaudemeshKeys): Uint8Array {
  const seed = Buffer.from(keys.secretKey, "hex").subarray(0, 32);
  const scalar = new Uint8Array(createHash("sha512").update(seed).digest().subarray(0, 32));
  scalar[0] = (scalar[0] ?? 0) & 248;
  scalar[31] = ((scalar[31] ?? 0) & 127) | 64;
  return scalar;
}
