import { describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import { generateEd25519KeyPair } from "@mesh/shared";
import { OPERATOR_ENV, OPERATOR_TOKEN } from "../../../apps/broker/test/admin/admin-requests.ts";
import { useBrokerSuite } from "../../../apps/broker/test/helpers/broker-suite.ts";
import { AdminClient, MeshError, signInvite } from "../src/index.ts";

/*
 * AdminClient against a real broker: the operator's token, the owner's
 * signature, refusals as MeshErrors a program can switch on, and path
 * parameters checked before anything is signed or sent.
 */
const suite = useBrokerSuite(OPERATOR_ENV);

async function refusal(call: () => Promise<unknown>): Promise<MeshError> {
  try {
    await call();
  } catch (e: unknown) {
    if (e instanceof MeshError) return e;
    throw e;
  }
  throw new Error("expected a MeshError");
}

describe("AdminClient", () => {
  test("the operator creates a mesh; its owner, without the token, invites and lists over signed requests", async () => {
    const owner = generateEd25519KeyPair();
    const slug = `sdk-${randomUUID().slice(0, 8)}`;
    const operator = new AdminClient({ brokerUrl: suite.broker.baseUrl, operatorToken: OPERATOR_TOKEN });
    const created = await operator.createMesh({ slug, name: "SDK", ownerPubkey: owner.publicKey });
    const rootKey = String(created.mesh.rootKey);
    expect(rootKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.mesh).toMatchObject({ slug, profile: "strict" });
    expect((await operator.listMeshes()).meshes.map((m) => m.slug)).toContain(slug);

    // The WebSocket URL works as well as the HTTP base.
    const asOwner = new AdminClient({
      brokerUrl: `ws://127.0.0.1:${suite.broker.port}/ws`,
      ownerKeys: (s) => (s === slug ? owner : undefined),
    });
    const shown = await asOwner.getMesh(slug);
    expect(shown.mesh.rootKey).toBe(rootKey);
    const { link } = signInvite(owner, {
      meshId: created.mesh.id,
      slug,
      brokerUrl: `ws://127.0.0.1:${suite.broker.port}/ws`,
      rootKey,
      role: "member",
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    const stored = await asOwner.createInvite(slug, { link, maxUses: 3 });
    expect(stored.invite).toMatchObject({ maxUses: 3, usedCount: 0, link });
    expect((await asOwner.listInvites(slug)).invites.map((i) => i.id)).toEqual([stored.invite.id]);
    expect((await asOwner.revokeInvite(slug, stored.invite.id)).changed).toBe(true);
    expect((await asOwner.listMembers(slug)).members).toEqual([]);
    expect((await asOwner.listSessions(slug)).sessions).toEqual([]);

    // Broker-wide routes need the token: the owner's key does not reach them.
    const listing = await refusal(() => asOwner.listMeshes());
    expect([listing.code, listing.brokerCode]).toEqual(["admin_unauthorized", "admin_unauthorized"]);
  });

  test("refusals carry the broker's code; bad path parameters and an absent broker fail without a request", async () => {
    const client = new AdminClient({ brokerUrl: suite.broker.baseUrl, operatorToken: "wrong" });
    expect((await refusal(() => client.listMeshes())).code).toBe("admin_unauthorized");
    const operator = new AdminClient({ brokerUrl: suite.broker.baseUrl, operatorToken: OPERATOR_TOKEN });
    const missing = await refusal(() => operator.listMembers("no-such-mesh"));
    expect([missing.code, missing.brokerCode]).toEqual(["mesh_not_found", "mesh_not_found"]);

    const badSlug = await refusal(() => operator.listMembers("../meshes"));
    expect([badSlug.code, badSlug.brokerCode]).toEqual(["bad_slug", undefined]);
    const dotDot = await refusal(() => operator.revokeMember("ops", ".."));
    expect([dotDot.code, dotDot.brokerCode]).toEqual(["bad_request", undefined]);
    const badInvite = await refusal(() => operator.revokeInvite("ops", "ic://join/x"));
    expect(badInvite.code).toBe("bad_request");

    const away = new AdminClient({ brokerUrl: "http://127.0.0.1:1", operatorToken: OPERATOR_TOKEN, timeoutMs: 2000 });
    expect((await refusal(() => away.listMeshes())).code).toBe("broker_unreachable");
  });
});
