import { expect, test } from "bun:test";
import { normalizeTarget, sendFrameFor } from "./send-frame.ts";

const pubkey = "ab".repeat(32);

test("a target is a broadcast or a member's pubkey, in lower case", () => {
  expect(normalizeTarget("*")).toBe("*");
  expect(normalizeTarget(pubkey.toUpperCase())).toBe(pubkey);
  expect(normalizeTarget(pubkey.slice(2))).toBeUndefined();
  expect(normalizeTarget(`${pubkey.slice(2)}zz`)).toBeUndefined();
  expect(normalizeTarget("")).toBeUndefined();
});

test("a send frame defaults to priority next and carries a ttl only when asked", () => {
  const sealed = { nonce: "bm9uY2U=", ciphertext: "Y2lwaGVy" };
  expect(sendFrameFor("*", sealed, "id-1", {})).toEqual({
    type: "send",
    targetSpec: "*",
    priority: "next",
    nonce: sealed.nonce,
    ciphertext: sealed.ciphertext,
    id: "id-1",
  });
  expect(sendFrameFor(pubkey, sealed, "id-2", { priority: "now", ttlSeconds: 60 })).toMatchObject({
    priority: "now",
    ttlSeconds: 60,
  });
});
