import { describe, expect, test } from "bun:test";
import { adminInviteId, generateEd25519KeyPair } from "@mesh/shared";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { createMesh, type TestInvite } from "../helpers/mesh-fixtures.ts";
import { joinBody, postJoin } from "../membership/join-request.ts";
import { asOperator, asOwner, auditRows, OPERATOR_ENV, signedInviteLink } from "./admin-requests.ts";

const suite = useBrokerSuite(OPERATOR_ENV);

/** The join-side view of a link the API stored: its token is the link's base64url part. */
const asTestInvite = (signed: ReturnType<typeof signedInviteLink>): TestInvite => ({ ...signed });

describe("invites over the admin API", () => {
  test("the owner stores an invite it signed; agents join with it; the list shows its uses, never its token", async () => {
    const base = suite.broker.baseUrl;
    const mesh = await createMesh(suite.sql);
    const signed = signedInviteLink(mesh, { role: "member" });
    const path = `/admin/meshes/${mesh.slug}/invites`;
    const created = await asOwner(base, mesh.owner, "POST", path, { link: signed.link, maxUses: 2 });
    expect(created.status).toBe(201);
    const id = adminInviteId(signed.token);
    expect(created.body.invite).toMatchObject({
      id,
      role: "member",
      maxUses: 2,
      usedCount: 0,
      expired: false,
      revoked: false,
      revokedAt: null,
      link: signed.link,
    });

    const joined = await postJoin(base, JSON.stringify(joinBody(asTestInvite(signed))));
    expect(joined.status).toBe(200);

    const list = await asOperator(base, "GET", path);
    expect(list.body.invites).toEqual([expect.objectContaining({ id, usedCount: 1, maxUses: 2 })]);
    expect(JSON.stringify(list.body)).not.toContain(signed.token);

    const again = await asOwner(base, mesh.owner, "POST", path, { link: signed.link });
    expect([again.status, again.body.error]).toEqual([409, "invite_exists"]);
    const [audit] = await auditRows(suite.sql, mesh.id);
    expect(audit).toMatchObject({ event: "invite_created", actor: `owner:${mesh.owner.publicKey}`, target: id });
    expect(audit?.detail).toMatchObject({ role: "member", max_uses: 2 });
  });

  test("a revoked invite can no longer join; members who joined with it stay", async () => {
    const base = suite.broker.baseUrl;
    const mesh = await createMesh(suite.sql);
    const signed = signedInviteLink(mesh);
    const path = `/admin/meshes/${mesh.slug}/invites`;
    expect((await asOperator(base, "POST", path, { link: signed.link, maxUses: 5 })).status).toBe(201);
    const first = await postJoin(base, JSON.stringify(joinBody(asTestInvite(signed))));
    expect(first.status).toBe(200);

    const id = adminInviteId(signed.token);
    const revoked = await asOwner(base, mesh.owner, "POST", `${path}/${id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ changed: true, invite: { id, revoked: true, usedCount: 1 } });
    const refused = await postJoin(base, JSON.stringify(joinBody(asTestInvite(signed))));
    expect([refused.status, refused.body.error]).toEqual([410, "invite_revoked"]);
    const [member] = await suite.sql`select revoked_at from mesh.member where id = ${String(first.body.memberId)}`;
    expect(member?.revoked_at).toBeNull();

    const twice = await asOperator(base, "POST", `${path}/${id}/revoke`);
    expect(twice.body).toMatchObject({ changed: false });
    const unknown = await asOperator(base, "POST", `${path}/0123456789abcdef/revoke`);
    expect([unknown.status, unknown.body.error]).toEqual([404, "invite_not_found"]);
    expect((await auditRows(suite.sql, mesh.id)).map((r) => r.event)).toEqual([
      "invite_created",
      "member_joined",
      "invite_revoked",
    ]);
  });

  test("an invite the mesh would refuse is not stored: bad signature, another owner, another mesh, expired", async () => {
    const base = suite.broker.baseUrl;
    const mesh = await createMesh(suite.sql);
    const other = await createMesh(suite.sql);
    const path = `/admin/meshes/${mesh.slug}/invites`;
    const post = (link: string) => asOwner(base, mesh.owner, "POST", path, { link });

    const good = signedInviteLink(mesh);
    const tamperedPayload = { ...good.payload, role: "admin" as const };
    const tampered = `ic://join/${Buffer.from(JSON.stringify(tamperedPayload)).toString("base64url")}`;
    expect((await post(tampered)).body.error).toBe("invite_bad_signature");
    const stranger = signedInviteLink(mesh, { signer: generateEd25519KeyPair() });
    expect((await post(stranger.link)).body.error).toBe("invite_owner_mismatch");
    const forOther = signedInviteLink({ ...other, owner: mesh.owner });
    expect((await post(forOther.link)).body.error).toBe("invite_mesh_mismatch");
    const wrongKey = signedInviteLink(mesh, { rootKey: "not-the-root-key-of-this-mesh" });
    expect((await post(wrongKey.link)).body.error).toBe("invite_mesh_mismatch");
    const expired = await post(signedInviteLink(mesh, { expiresAt: new Date(Date.now() - 60_000) }).link);
    expect([expired.status, expired.body.error]).toEqual([400, "bad_request"]);
    const garbage = await post("ic://join/not-base64-json");
    expect([garbage.status, garbage.body.error]).toEqual([400, "bad_request"]);

    const [count] = await suite.sql<{ n: number }[]>`
      select count(*)::int as n from mesh.invite where mesh_id = ${mesh.id}`;
    expect(count?.n).toBe(0);
    expect(await auditRows(suite.sql, mesh.id)).toEqual([]);
    // The control: the owner's own link for this mesh is stored.
    expect((await post(good.link)).status).toBe(201);
  });
});
