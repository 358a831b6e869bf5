import { describe, expect, test } from "bun:test";
import { generateEd25519KeyPair } from "@mesh/shared";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { addMember, createMesh, type TestMember } from "../helpers/mesh-fixtures.ts";
import { sessionHelloFor } from "../helpers/session-hello.ts";
import { connect, helloFor, pushesUpToControl, session, taggedSendTo, tagOf } from "../helpers/ws-client.ts";

const suite = useBrokerSuite({});

async function mesh(n: number): Promise<TestMember[]> {
  const m = await createMesh(suite.sql);
  return Promise.all(Array.from({ length: n }, (_, i) => addMember(suite.sql, m, { displayName: `agent-${i}` })));
}

/** Says the given first frame; resolves with the socket once hello_ack arrives. */
async function sayHello(frame: Record<string, unknown>) {
  const socket = await connect(suite.broker.port);
  socket.send(frame);
  const ack = await socket.next(undefined, (f) => f.type === "hello_ack" || f.type === "error");
  return Object.assign(socket, { ack });
}

/** Sends `frame` as the first frame and expects an error with `code`, then close 1008 with it. */
async function expectRefusal(frame: Record<string, unknown>, code: string): Promise<void> {
  await using socket = await connect(suite.broker.port);
  socket.send(frame);
  expect((await socket.next("error")).code).toBe(code);
  expect(await socket.closed).toEqual({ code: 1008, reason: code });
}

describe("a hello with a session key", () => {
  test("is stored, listed as the session's pubkey, and stamps what the session sends", async () => {
    const [alice, bob] = (await mesh(2)) as [TestMember, TestMember];
    const sessionKey = generateEd25519KeyPair().publicKey;
    await using a = await sayHello({ ...helloFor(alice), sessionPubkey: sessionKey });
    expect(a.ack.type).toBe("hello_ack");
    await using b = await session(suite.broker.port, bob);
    const [row] = await suite.sql`select session_pubkey from mesh.presence where id = ${String(a.ack.presenceId)}`;
    expect(row?.session_pubkey).toBe(sessionKey);

    b.send({ type: "list_peers", _reqId: "who" });
    const peers = (await b.next("peers_list")).peers as Record<string, unknown>[];
    expect(peers.find((p) => p.memberPubkey === alice.keys.publicKey)).toMatchObject({ pubkey: sessionKey });

    a.send(taggedSendTo(bob, "from alice's session", { id: "s1" }));
    const push = await b.next("push");
    expect(push).toMatchObject({ senderPubkey: sessionKey, senderMemberPubkey: alice.keys.publicKey });
    const [stored] = await suite.sql`select e.sender_session_pubkey
                                     from mesh.message_queue q join mesh.envelope e on e.id = q.envelope_id
                                     where q.message_id = ${String(push.messageId)}`;
    expect(stored?.sender_session_pubkey).toBe(sessionKey);
  });

  test("a member-keyed session pushes its member key as both", async () => {
    const [alice, bob] = (await mesh(2)) as [TestMember, TestMember];
    await using a = await session(suite.broker.port, alice);
    await using b = await session(suite.broker.port, bob);
    a.send(taggedSendTo(bob, "plain"));
    expect(await b.next("push")).toMatchObject({
      senderPubkey: alice.keys.publicKey,
      senderMemberPubkey: alice.keys.publicKey,
    });
  });

  test("is refused when it is not lower-case hex, is another member's key, or another member's session holds it", async () => {
    const [alice, bob] = (await mesh(2)) as [TestMember, TestMember];
    const upper = generateEd25519KeyPair().publicKey.toUpperCase();
    await expectRefusal({ ...helloFor(alice), sessionPubkey: upper }, "bad_session_pubkey");
    await expectRefusal({ ...helloFor(alice), sessionPubkey: bob.keys.publicKey }, "session_key_taken");
    const held = generateEd25519KeyPair().publicKey;
    await using _b = await sayHello({ ...helloFor(bob), sessionPubkey: held });
    await expectRefusal({ ...helloFor(alice), sessionPubkey: held }, "session_key_taken");
    // The member's own key, or a key its own earlier session held, is fine.
    await using again = await sayHello({ ...helloFor(bob), sessionPubkey: held });
    expect(again.ack.type).toBe("hello_ack");
  });
});

describe("session_hello", () => {
  test("opens a session under the session key, vouched for by its member", async () => {
    const [alice, bob] = (await mesh(2)) as [TestMember, TestMember];
    const { frame, sessionKeys } = sessionHelloFor(alice);
    await using a = await sayHello(frame);
    expect(a.ack).toMatchObject({ type: "hello_ack", memberDisplayName: alice.displayName });
    const [row] = await suite.sql`select member_id, session_pubkey from mesh.presence
                                  where id = ${String(a.ack.presenceId)}`;
    expect(row).toEqual({ member_id: alice.id, session_pubkey: sessionKeys.publicKey });
    await using b = await session(suite.broker.port, bob);
    a.send(taggedSendTo(bob, "from a launch"));
    expect(await b.next("push")).toMatchObject({
      senderPubkey: sessionKeys.publicKey,
      senderMemberPubkey: alice.keys.publicKey,
    });
  });

  test("refuses an expired, an over-long and a forged attestation, a forged or replayed hello, another member's id", async () => {
    const [alice, bob] = (await mesh(2)) as [TestMember, TestMember];
    await expectRefusal(sessionHelloFor(alice, { expiresAt: Date.now() - 1000 }).frame, "bad_attestation");
    await expectRefusal(sessionHelloFor(alice, { expiresAt: Date.now() + 25 * 3_600_000 }).frame, "bad_attestation");
    await expectRefusal(sessionHelloFor(alice, { attester: generateEd25519KeyPair() }).frame, "bad_signature");
    await expectRefusal(sessionHelloFor(alice, { parentMemberId: bob.id }).frame, "unauthorized");
    const forged = sessionHelloFor(alice).frame;
    await expectRefusal({ ...forged, signature: sessionHelloFor(alice).frame.signature }, "bad_signature");
    const { frame } = sessionHelloFor(alice);
    await using first = await sayHello(frame);
    expect(first.ack.type).toBe("hello_ack");
    await expectRefusal(frame, "hello_replayed");
  });
});

describe("sending to a session key", () => {
  test("reaches that session only while it lives, then the member's next session", async () => {
    const [alice, bob] = (await mesh(2)) as [TestMember, TestMember];
    const { frame, sessionKeys } = sessionHelloFor(bob);
    const launched = await sayHello(frame);
    await using other = await session(suite.broker.port, bob);
    await using a = await session(suite.broker.port, alice);

    const toSession: Record<string, unknown> = {
      ...taggedSendTo(bob, "for the launch"),
      targetSpec: sessionKeys.publicKey,
    };
    a.send(toSession);
    expect(tagOf(await launched.next("push"))).toBe("for the launch");
    // Bob's other session got nothing but the control sent to bob's member key.
    expect((await pushesUpToControl(a, other, bob)).map(tagOf)).toEqual([]);
    const [row] = await suite.sql`select q.target_presence_id
                                  from mesh.message_queue q join mesh.envelope e on e.id = q.envelope_id
                                  where e.ciphertext = ${String(toSession.ciphertext)}`;
    expect(row?.target_presence_id).toBe(launched.ack.presenceId);

    await launched.close();
    a.send({ ...taggedSendTo(bob, "after the launch ended"), targetSpec: sessionKeys.publicKey });
    expect(tagOf(await other.next("push", (f) => tagOf(f) === "after the launch ended"))).toBe(
      "after the launch ended",
    );
  });

  test("@all is a broadcast; claudemesh groups and topics get unsupported_target; a stranger's key unknown_recipient", async () => {
    const [alice, bob, carol] = (await mesh(3)) as [TestMember, TestMember, TestMember];
    await using a = await session(suite.broker.port, alice);
    await using b = await session(suite.broker.port, bob);
    await using c = await session(suite.broker.port, carol);
    a.send({ ...taggedSendTo("*", "to all"), targetSpec: "@all", id: "all" });
    expect(await a.next("ack")).toMatchObject({ id: "all", recipients: 2 });
    expect(tagOf(await b.next("push"))).toBe("to all");
    expect(tagOf(await c.next("push"))).toBe("to all");
    for (const targetSpec of ["@reviewers", "#release-notes"]) {
      a.send({ ...taggedSendTo("*", "nope"), targetSpec, id: targetSpec });
      expect(await a.next("error")).toMatchObject({ code: "unsupported_target", id: targetSpec });
    }
    a.send({ ...taggedSendTo("*", "nope"), targetSpec: generateEd25519KeyPair().publicKey, id: "stranger" });
    expect(await a.next("error")).toMatchObject({ code: "unknown_recipient", id: "stranger" });
  });
});
