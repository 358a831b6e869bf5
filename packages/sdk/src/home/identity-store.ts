import { join } from "node:path";
import { type Ed25519KeyPair, generateEd25519KeyPair } from "@mesh/shared";
import { z } from "zod";
import { readPrivateJson, storedKeyHex, writePrivateJson } from "./private-json.ts";

/** `identity.json`: this home's ed25519 key pair and when it was made. */
export const identitySchema = z.object({ publicKey: storedKeyHex, secretKey: storedKeyHex, createdAt: z.string() });

/** The identity of one home (`identity.json`), made on the first join. */
export class IdentityStore {
  readonly #file: string;

  constructor(dir: string) {
    this.#file = join(dir, "identity.json");
  }

  /** The stored key pair; undefined before the first join. */
  get(): Ed25519KeyPair | undefined {
    const stored = readPrivateJson(this.#file, identitySchema);
    return stored && { publicKey: stored.publicKey, secretKey: stored.secretKey };
  }

  /** The key pair, generated and saved (0600) on first use. */
  getOrCreate(): Ed25519KeyPair {
    const existing = this.get();
    if (existing) return existing;
    const pair = generateEd25519KeyPair();
    writePrivateJson(this.#file, { ...pair, createdAt: new Date().toISOString() });
    return pair;
  }
}
