import { describe, expect, test } from "bun:test";
import { MeshHome, verifyInviteLink } from "@mesh/sdk";
import { encodeInviteLink, inviteSigningString, signEd25519 } from "@mesh/shared";
import {
  ClaudemeshClient,
  type Frame,
  generateKeys,
  InviteRefused,
  JoinRefused,
  parseInviteLink,
} from "../src/index.ts";
import { useCompatSuite } from "./helpers/compat-suite.ts";

/*
 * Joining and saying hello as claudemesh clients do, against a real broker:
 * invites made by the real `mesh admin` commands, `/join` at the origin's
 * root, `hello` of the v0.1 and 1.x lines, and 1.30+'s `session_hello`.
 */

const suite = useCompatSuite();

/** The entries of a `peers_list`. */
const peersOf = (frame: Frame) => frame.peers as Record<string, unknown>[];

describe("join", () => {
  test("a claudemesh client parses the seconds-expiry link `mesh admin invite` prints and joins with it", async () => {
    const { link } = await suite.meshInvite("claudemesh", 1);
    const { payload } = parseInviteLink(link);
    expect(Number.isInteger(payload.expires_at)).toBe(true);
    expect(payload.expires_at).toBeGreaterThan(Date.now() / 1000);
    expect(payload.owner_pubkey).toMatch(/^[0-9a-f]{64}$/);
    expect(payload.broker_url).toBe(suite.broker.wsUrl);

    const membership = await ClaudemeshClient.join(link);
    expect(membership).toMatchObject({ meshId: payload.mesh_id, brokerUrl: suite.broker.wsUrl });
    const outcome = await suite.claudemeshFor(membership, "v0.1").connect();
    expect(outcome.accepted).toBe(true);

    // The join took the invite's only use.
    const second = await ClaudemeshClient.join(link).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(JoinRefused);
    expect(second).toMatchObject({ status: 410, code: "invite_exhausted" });
  });

  test("the same invite with an ISO expires_at is refused by the claudemesh parser, though our SDK accepts it", async () => {
    const { slug, link } = await suite.meshInvite("claudemesh", 1);
    const owner = new MeshHome(suite.operatorHome).owner(slug);
    if (!owner) throw new Error(`no owner keys for ${slug}`);
    const { payload } = parseInviteLink(link);
    const { signature: _seconds, ...unsigned } = payload;
    const iso = { ...unsigned, expires_at: new Date(payload.expires_at * 1000).toISOString() };
    const isoLink = encodeInviteLink({ ...iso, signature: signEd25519(owner, inviteSigningString(iso)) });

    // Signed by the owner and not expired: only the form of expires_at differs.
    expect(verifyInviteLink(isoLink).expiresAt.getTime()).toBe(payload.expires_at * 1000);
    const refused = (() => {
      try {
        parseInviteLink(isoLink);
      } catch (e: unknown) {
        return e;
      }
      return undefined;
    })();
    expect(refused).toBeInstanceOf(InviteRefused);
    expect(refused).toMatchObject({ reason: "bad_payload" });
    expect(String((refused as Error).message)).toContain("expires_at");
  });
});

describe("hello", () => {
  test("hello without sessionPubkey (v0.1) and with it (1.x) are both admitted; peers_list lists session and member keys", async () => {
    const { link } = await suite.meshInvite("claudemesh", 2);
    const old = await suite.claudemesh(link, "v0.1");
    const modern = await suite.claudemesh(link, "1.x");
    const [oldHello, modernHello] = [await old.connect(), await modern.connect()];
    expect(oldHello).toMatchObject({ accepted: true, ack: { type: "hello_ack", profile: "claudemesh" } });
    expect(modernHello).toMatchObject({ accepted: true, ack: { type: "hello_ack", profile: "claudemesh" } });
    expect(modern.sessionPubkey).toBe(modern.sessionKeys?.publicKey);

    const peers = peersOf(await modern.listPeers());
    expect(peers).toHaveLength(2);
    expect(peers.find((p) => p.memberPubkey === modern.membership.pubkey)).toMatchObject({
      pubkey: modern.sessionPubkey,
      sessionId: modern.sessionId,
      self: true,
    });
    expect(peers.find((p) => p.memberPubkey === old.membership.pubkey)).toMatchObject({
      pubkey: old.membership.pubkey,
      sessionId: old.sessionId,
      self: false,
    });
  });

  test("session_hello with a valid attestation is admitted and listed under its session key", async () => {
    const { link } = await suite.meshInvite("claudemesh", 1);
    const launched = await suite.claudemesh(link, "1.x");
    const outcome = await launched.connectSession();
    expect(outcome).toMatchObject({ accepted: true, ack: { type: "hello_ack", profile: "claudemesh" } });
    expect(launched.sessionPubkey).toBe(launched.sessionKeys?.publicKey);

    const [self] = peersOf(await launched.listPeers());
    expect(self).toMatchObject({
      pubkey: launched.sessionPubkey,
      memberPubkey: launched.membership.pubkey,
      cwd: launched.cwd,
      self: true,
    });
  });

  test("session_hello with an expired attestation is refused: bad_attestation, close 1008", async () => {
    const { link } = await suite.meshInvite("claudemesh", 1);
    const launched = await suite.claudemesh(link, "1.x");
    const outcome = await launched.connectSession({ expiresAt: Date.now() - 60_000 });
    expect(outcome).toMatchObject({
      accepted: false,
      error: { type: "error", code: "bad_attestation" },
      close: { code: 1008, reason: "bad_attestation" },
    });
  });

  test("session_hello with an attestation another key signed is refused: bad_signature, close 1008", async () => {
    const { link } = await suite.meshInvite("claudemesh", 1);
    const launched = await suite.claudemesh(link, "1.x");
    const forged = await launched.connectSession({ attester: generateKeys() });
    expect(forged).toMatchObject({
      accepted: false,
      error: { type: "error", code: "bad_signature" },
      close: { code: 1008, reason: "bad_signature" },
    });
    // The control: the same session key, attested by its member, is admitted.
    expect((await launched.connectSession()).accepted).toBe(true);
  });
});
