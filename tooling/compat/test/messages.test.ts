import { describe, expect, test } from "bun:test";
import type { ClaudemeshClient } from "../src/index.ts";
import { useCompatSuite } from "./helpers/compat-suite.ts";

/*
 * Messages between claudemesh-shaped clients and our SDK through a real
 * broker: broadcasts as each mesh profile has them
 * (docs/compatibility.md#client-profiles), and direct messages sealed with
 * session keys and member keys (docs/protocol.md#session-keys).
 */

const suite = useCompatSuite();

/** Connects with `hello` and fails the test on a refusal. */
async function connected(client: ClaudemeshClient): Promise<ClaudemeshClient> {
  const outcome = await client.connect();
  if (!outcome.accepted) throw new Error(`hello refused: ${JSON.stringify(outcome)}`);
  return client;
}

/** Whether the base64 `ciphertext` holds `text`'s bytes anywhere. */
const carries = (ciphertext: unknown, text: string) =>
  Buffer.from(String(ciphertext), "base64").includes(Buffer.from(text, "utf8"));

describe("broadcasts on a claudemesh mesh", () => {
  test("plaintext broadcasts of both claudemesh lines reach our SDK as text, encrypted: false", async () => {
    const { link } = await suite.meshInvite("claudemesh", 3);
    const sdk = await suite.sdk(link, "sdk");
    const old = await connected(await suite.claudemesh(link, "v0.1"));
    const modern = await connected(await suite.claudemesh(link, "1.x"));

    await old.send("*", "from v0.1 to everyone ✓", "now");
    await modern.send("@all", "from 1.x to @all ✓", "now");
    expect(await sdk.message("from v0.1 to everyone ✓")).toMatchObject({
      encrypted: false,
      senderPubkey: old.membership.pubkey,
      senderMemberPubkey: old.membership.pubkey,
    });
    expect(await sdk.message("from 1.x to @all ✓")).toMatchObject({
      encrypted: false,
      senderPubkey: modern.sessionPubkey,
      senderMemberPubkey: modern.membership.pubkey,
    });
    expect(sdk.errors).toEqual([]);
  });

  test("our SDK's broadcast reaches the claudemesh client as readable text", async () => {
    const { link } = await suite.meshInvite("claudemesh", 2);
    const sdk = await suite.sdk(link, "sdk");
    const modern = await connected(await suite.claudemesh(link, "1.x"));
    expect(sdk.client.profile).toBe("claudemesh");

    const text = "from our SDK, in the clear\nsecond line";
    const sent = await sdk.client.send("*", text, { priority: "now" });
    const got = await modern.nextPush((p) => p.push.messageId === sent.messageId);
    expect(got).toMatchObject({ text, openedWith: "plaintext" });
    expect(got.push.senderPubkey).toBe(sdk.publicKey);
  });
});

describe("broadcasts on a strict mesh", () => {
  test("our SDK's broadcast is sealed: the claudemesh client gets the push and cannot read it as the text", async () => {
    const { link } = await suite.meshInvite("strict", 2);
    const sdk = await suite.sdk(link, "sdk");
    const modern = await connected(await suite.claudemesh(link, "1.x"));
    expect(sdk.client.profile).toBe("strict");

    const text = "sealed with the mesh key";
    const sent = await sdk.client.send("*", text, { priority: "now" });
    const got = await modern.nextPush((p) => p.push.messageId === sent.messageId);
    expect(got.text).toBeUndefined();
    expect(got.openedWith).toBeUndefined();
    expect(carries(got.push.ciphertext, text)).toBe(false);
  });

  test("the claudemesh client's plaintext broadcast reaches our SDK as undecryptable, never as text", async () => {
    const { link } = await suite.meshInvite("strict", 2);
    const sdk = await suite.sdk(link, "sdk");
    const modern = await connected(await suite.claudemesh(link, "1.x"));

    const plaintext = await modern.send("*", "plaintext on a strict mesh", "now");
    // The control, on the same path after it: a sealed direct message from the same session.
    await modern.send(sdk.publicKey, "control after the plaintext", "now");
    await sdk.message("control after the plaintext");
    expect(sdk.messages.map((m) => m.text)).toEqual(["control after the plaintext"]);
    expect(sdk.errors.map((e) => e.code)).toEqual(["undecryptable"]);
    expect(sdk.errors[0]?.message).toContain(String(plaintext.messageId));
  });
});

describe("direct messages", () => {
  test("the 1.x client seals with its session key (hello sessionPubkey); our SDK opens it and names the member", async () => {
    const { link } = await suite.meshInvite("strict", 2);
    const sdk = await suite.sdk(link, "sdk");
    const modern = await connected(await suite.claudemesh(link, "1.x"));

    await modern.send(sdk.publicKey, "sealed by a session key", "now");
    expect(await sdk.message("sealed by a session key")).toMatchObject({
      encrypted: true,
      senderPubkey: modern.sessionPubkey,
      senderMemberPubkey: modern.membership.pubkey,
    });
  });

  test("a session_hello session seals with its session key; our SDK opens it and names the member", async () => {
    const { link } = await suite.meshInvite("strict", 2);
    const sdk = await suite.sdk(link, "sdk");
    const launched = await suite.claudemesh(link, "1.x");
    expect((await launched.connectSession()).accepted).toBe(true);

    await launched.send(sdk.publicKey, "from a launched session", "now");
    expect(await sdk.message("from a launched session")).toMatchObject({
      encrypted: true,
      senderPubkey: launched.sessionPubkey,
      senderMemberPubkey: launched.membership.pubkey,
    });
  });

  test("our SDK's message to the claudemesh session key from peers_list opens with the session secret", async () => {
    const { link } = await suite.meshInvite("strict", 2);
    const sdk = await suite.sdk(link, "sdk");
    const modern = await connected(await suite.claudemesh(link, "1.x"));

    const peer = (await sdk.client.listPeers()).find((p) => p.memberPubkey === modern.membership.pubkey);
    expect(peer?.pubkey).toBe(String(modern.sessionPubkey));
    const sent = await sdk.client.send(String(peer?.pubkey), "to your session key", { priority: "now" });
    const got = await modern.nextPush((p) => p.push.messageId === sent.messageId);
    expect(got).toMatchObject({ text: "to your session key", openedWith: "session" });
    expect(got.push.senderPubkey).toBe(sdk.publicKey);
  });

  test("v0.1 seals with its member key both ways: our SDK opens it, and its message to the member key opens", async () => {
    const { link } = await suite.meshInvite("strict", 2);
    const sdk = await suite.sdk(link, "sdk");
    const old = await connected(await suite.claudemesh(link, "v0.1"));

    await old.send(sdk.publicKey, "from v0.1, member key", "now");
    expect(await sdk.message("from v0.1, member key")).toMatchObject({
      encrypted: true,
      senderPubkey: old.membership.pubkey,
      senderMemberPubkey: old.membership.pubkey,
    });
    const sent = await sdk.client.send(old.membership.pubkey, "back to v0.1", { priority: "now" });
    const got = await old.nextPush((p) => p.push.messageId === sent.messageId);
    expect(got).toMatchObject({ text: "back to v0.1", openedWith: "member" });
  });
});
