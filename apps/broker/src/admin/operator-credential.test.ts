import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { createOperatorCredential } from "./operator-credential.ts";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

describe("createOperatorCredential", () => {
  test("verifies the token whose digest it holds, and nothing else", () => {
    const credential = createOperatorCredential(sha256("s3cret-operator-token"));
    expect(credential.configured).toBe(true);
    expect(credential.verify("s3cret-operator-token")).toBe(true);
    expect(credential.verify("s3cret-operator-tokeN")).toBe(false);
    expect(credential.verify("")).toBe(false);
    expect(credential.verify(sha256("s3cret-operator-token"))).toBe(false);
  });

  test("unset: not configured, and no token verifies (not even the empty one)", () => {
    const credential = createOperatorCredential(undefined);
    expect(credential.configured).toBe(false);
    expect(credential.verify("")).toBe(false);
    expect(credential.verify("anything")).toBe(false);
  });

  test("upper-case digests verify too", () => {
    expect(createOperatorCredential(sha256("t").toUpperCase()).verify("t")).toBe(true);
  });
});
