import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from "node:crypto";

/** An ed25519 keypair as hex: 32-byte public key, 32-byte seed. */
export interface Ed25519KeyPair {
  publicKey: string;
  secretKey: string;
}

const toBase64Url = (hex: string): string => Buffer.from(hex, "hex").toString("base64url");

function publicKeyObject(publicKeyHex: string): KeyObject {
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: toBase64Url(publicKeyHex) }, format: "jwk" });
}

function privateKeyObject(pair: Ed25519KeyPair): KeyObject {
  return createPrivateKey({
    key: { kty: "OKP", crv: "Ed25519", x: toBase64Url(pair.publicKey), d: toBase64Url(pair.secretKey) },
    format: "jwk",
  });
}

/** A fresh random ed25519 keypair. */
export function generateEd25519KeyPair(): Ed25519KeyPair {
  const { privateKey } = generateKeyPairSync("ed25519");
  const jwk = privateKey.export({ format: "jwk" });
  if (!jwk.x || !jwk.d) throw new Error("ed25519 key export lacks x or d");
  return {
    publicKey: Buffer.from(jwk.x, "base64url").toString("hex"),
    secretKey: Buffer.from(jwk.d, "base64url").toString("hex"),
  };
}

/** Signs the UTF-8 bytes of `message`; returns 128 hex characters. */
export function signEd25519(pair: Ed25519KeyPair, message: string): string {
  return sign(null, Buffer.from(message, "utf8"), privateKeyObject(pair)).toString("hex");
}

/**
 * Verifies an ed25519 signature (hex) over the UTF-8 bytes of `message`.
 * Never throws: a malformed key or signature is simply not valid.
 */
export function verifyEd25519(publicKeyHex: string, message: string, signatureHex: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(publicKeyHex) || !/^[0-9a-f]{128}$/i.test(signatureHex)) return false;
  try {
    return verify(null, Buffer.from(message, "utf8"), publicKeyObject(publicKeyHex), Buffer.from(signatureHex, "hex"));
  } catch {
    return false;
  }
}
