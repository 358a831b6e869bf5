import { describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import type { ClientProfile } from "@mesh/shared";
import { eventually } from "../../../apps/broker/test/helpers/broker-process.ts";
import { useBrokerSuite } from "../../../apps/broker/test/helpers/broker-suite.ts";
import { addMember, createMesh } from "../../../apps/broker/test/helpers/mesh-fixtures.ts";
import { session } from "../../../apps/broker/test/helpers/ws-client.ts";
import { EnvelopeCipher, type MeshError, type ReceivedMessage } from "../src/index.ts";
import { useSdkClients } from "./helpers/sdk-clients.ts";

/*
 * The SDK on meshes of each client profile (docs/compatibility.md#client-profiles), against a
 * real broker: on a claudemesh mesh broadcasts travel as base64 text, as
 * claudemesh clients send them, and arrive marked unencrypted; on a strict
 * mesh nothing goes out or is shown as plaintext.
 */

const suite = useBrokerSuite({});
const clientFor = useSdkClients(suite);

/** A mesh of `profile` with two members, and what each one's SDK client hears. */
async function meshOf(profile: ClientProfile) {
  const mesh = await createMesh(suite.sql, `${profile} mesh`, { profile });
  const [a, b] = [await addMember(suite.sql, mesh), await addMember(suite.sql, mesh)];
  const [ca, cb] = [clientFor(mesh, a), clientFor(mesh, b)];
  const atB: ReceivedMessage[] = [];
  const errorsAtB: MeshError[] = [];
  cb.onMessage((m) => {
    atB.push(m);
  });
  cb.on("error", (e) => errorsAtB.push(e));
  return { mesh, a, b, ca, cb, atB, errorsAtB };
}

/** The ciphertext the broker stored for `messageId` (one per recipient row, from the envelope row it names). */
async function storedCiphertexts(messageId: string): Promise<string[]> {
  const rows = await suite.sql<{ ciphertext: string }[]>`
    select e.ciphertext from mesh.message_queue q join mesh.envelope e on e.id = q.envelope_id
    where q.message_id = ${messageId}`;
  return rows.map((r) => r.ciphertext);
}

const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const received = (list: ReceivedMessage[], text: string) =>
  eventually(async () => list.some((m) => m.text === text), 15_000);

/** A broadcast as a claudemesh client sends it: the text in base64 where the ciphertext goes, a random nonce. */
function plaintextBroadcast(text: string, id: string): Record<string, unknown> {
  return {
    type: "send",
    targetSpec: "*",
    priority: "now",
    nonce: randomBytes(24).toString("base64"),
    ciphertext: base64(text),
    id,
  };
}

describe("a claudemesh mesh", () => {
  test("two SDK clients exchange a plaintext broadcast: stored as the base64 of the text, received unencrypted", async () => {
    const { ca, cb, a, b, atB } = await meshOf("claudemesh");
    await Promise.all([ca.connect(), cb.connect()]);
    expect(ca.profile).toBe("claudemesh");
    expect(ca.session?.notice).toContain("NOT encrypted");

    const text = "to everyone, in the clear ✓\nsecond line";
    const sent = await ca.send("*", text, { priority: "now" });
    expect(await storedCiphertexts(sent.messageId)).toEqual([base64(text)]);
    expect(await received(atB, text)).toBe(true);
    expect(atB.find((m) => m.text === text)).toMatchObject({
      messageId: sent.messageId,
      senderPubkey: a.keys.publicKey,
      encrypted: false,
    });

    // Direct messages stay sealed end to end in this profile too.
    const secret = "only for b 91c4";
    const direct = await ca.send(b.keys.publicKey, secret, { priority: "now" });
    const [stored] = await storedCiphertexts(direct.messageId);
    expect(Buffer.from(String(stored), "base64").includes(Buffer.from(secret))).toBe(false);
    expect(await received(atB, secret)).toBe(true);
    expect(atB.find((m) => m.text === secret)?.encrypted).toBe(true);
  });

  test("a claudemesh client's raw plaintext broadcast reaches the SDK unencrypted; an older SDK's sealed one, encrypted", async () => {
    const { mesh, a, cb, atB } = await meshOf("claudemesh");
    await cb.connect();
    await using raw = await session(suite.broker.port, a);
    const text = "from a claudemesh client";
    raw.send(plaintextBroadcast(text, "raw-1"));
    expect(await raw.next("ack", (f) => f.id === "raw-1")).toMatchObject({ recipients: 1 });
    expect(await received(atB, text)).toBe(true);
    expect(atB.find((m) => m.text === text)?.encrypted).toBe(false);

    const sealed = new EnvelopeCipher(a.keys, mesh.rootKey).seal("*", "sealed by an older SDK");
    raw.send({ type: "send", targetSpec: "*", priority: "now", ...sealed, id: "raw-2" });
    expect(await received(atB, "sealed by an older SDK")).toBe(true);
    expect(atB.find((m) => m.text === "sealed by an older SDK")?.encrypted).toBe(true);
  });

  test("a broadcast queued before the session exists goes out in the form the session's profile asks for", async () => {
    const { ca, cb, atB } = await meshOf("claudemesh");
    await cb.connect();
    const early = ca.send("*", "queued before hello", { priority: "now" });
    await ca.connect();
    const { messageId } = await early;
    expect(await storedCiphertexts(messageId)).toEqual([base64("queued before hello")]);
    expect(await received(atB, "queued before hello")).toBe(true);
  });
});

describe("a strict mesh", () => {
  test("the SDK seals its broadcasts with the mesh key: nothing stored is the text", async () => {
    const { ca, cb, atB } = await meshOf("strict");
    const early = ca.send("*", "strict from the start", { priority: "now" });
    await Promise.all([ca.connect(), cb.connect()]);
    expect(ca.profile).toBe("strict");
    expect(ca.session?.notice).toBeUndefined();
    const sent = await early;
    const text = "sealed for members";
    const later = await ca.send("*", text, { priority: "now" });
    for (const [id, plain] of [
      [sent.messageId, "strict from the start"],
      [later.messageId, text],
    ] as const) {
      const stored = await storedCiphertexts(id);
      expect(stored).toHaveLength(1);
      expect(stored[0]).not.toBe(base64(plain));
      expect(Buffer.from(String(stored[0]), "base64").includes(Buffer.from(plain))).toBe(false);
    }
    expect(await received(atB, text)).toBe(true);
    expect(atB.every((m) => m.encrypted)).toBe(true);
  });

  test("a claudemesh client's plaintext broadcast reaches the SDK as undecryptable, never as text", async () => {
    const { a, ca, cb, atB, errorsAtB } = await meshOf("strict");
    await Promise.all([ca.connect(), cb.connect()]);
    await using raw = await session(suite.broker.port, a);
    const text = "plaintext on a strict mesh";
    raw.send(plaintextBroadcast(text, "raw-strict"));
    const ack = await raw.next("ack", (f) => f.id === "raw-strict");
    expect(await storedCiphertexts(String(ack.messageId))).toEqual([base64(text)]);

    // The control: a sealed broadcast sent after it reaches b's application, so the plaintext one was pushed before.
    await ca.send("*", "control after the plaintext", { priority: "now" });
    expect(await received(atB, "control after the plaintext")).toBe(true);
    expect(atB.map((m) => m.text)).toEqual(["control after the plaintext"]);
    expect(errorsAtB.map((e) => e.code)).toEqual(["undecryptable"]);
    expect(errorsAtB[0]?.message).toContain(String(ack.messageId));
  });
});
