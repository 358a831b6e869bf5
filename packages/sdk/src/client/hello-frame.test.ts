import { expect, test } from "bun:test";
import { generateEd25519KeyPair, helloFrame, helloSigningString, verifyEd25519 } from "@mesh/shared";
import { signedHello } from "./hello-frame.ts";

test("a hello is valid, announces acks and is signed over mesh, member, pubkey and timestamp", () => {
  const identity = generateEd25519KeyPair();
  const subject = { meshId: "m1", memberId: "u1", identity, sessionId: "s1", pid: 42, cwd: "/repo" };
  const hello = signedHello(subject, 1_700_000_000_000);
  expect(helloFrame.safeParse(hello).success).toBe(true);
  expect(hello).toMatchObject({ pubkey: identity.publicKey, sessionId: "s1", pid: 42, features: ["ack"] });
  const signed = helloSigningString({
    meshId: "m1",
    memberId: "u1",
    pubkey: identity.publicKey,
    timestamp: 1_700_000_000_000,
  });
  expect(verifyEd25519(identity.publicKey, signed, hello.signature)).toBe(true);
});
