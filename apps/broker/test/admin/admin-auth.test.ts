import { describe, expect, test } from "bun:test";
import { generateEd25519KeyPair, signAdminRequest } from "@mesh/shared";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { createMesh } from "../helpers/mesh-fixtures.ts";
import { adminRequest, asOperator, asOwner, auditRows, OPERATOR_ENV } from "./admin-requests.ts";

const suite = useBrokerSuite(OPERATOR_ENV);

describe("admin API authentication", () => {
  test("the operator: no token, another scheme, a wrong token → 401 admin_unauthorized with a Bearer challenge", async () => {
    const base = suite.broker.baseUrl;
    const attempts: Record<string, string>[] = [
      {},
      { authorization: "Basic b3A6cHc=" },
      { authorization: "Bearer not-the-token" },
    ];
    for (const headers of attempts) {
      const res = await adminRequest(base, "GET", "/admin/meshes", { headers });
      expect({ headers, status: res.status, error: res.body.error }).toEqual({
        headers,
        status: 401,
        error: "admin_unauthorized",
      });
      expect(res.headers.get("www-authenticate")).toBe("Bearer");
    }
    expect((await asOperator(base, "GET", "/admin/meshes")).status).toBe(200);
  });

  test("an owner-signed request works; unsigned, another key's or broker-wide ones are refused", async () => {
    const base = suite.broker.baseUrl;
    const mesh = await createMesh(suite.sql);
    const path = `/admin/meshes/${mesh.slug}`;
    const own = await asOwner(base, mesh.owner, "GET", path);
    expect(own.status).toBe(200);
    expect(own.body.mesh).toMatchObject({ id: mesh.id, slug: mesh.slug, rootKey: mesh.rootKey });

    const unsigned = await adminRequest(base, "GET", path);
    expect([unsigned.status, unsigned.body.error]).toEqual([401, "admin_unauthorized"]);

    const stranger = generateEd25519KeyPair();
    const other = await asOwner(base, stranger, "GET", path);
    expect([other.status, other.body.error]).toEqual([403, "admin_not_owner"]);
    // A slug no mesh has answers the same to a signer: it learns nothing.
    const missing = await asOwner(base, stranger, "GET", "/admin/meshes/no-such-mesh-here");
    expect([missing.status, missing.body.error]).toEqual([403, "admin_not_owner"]);
    // Owner keys never reach the broker-wide routes: without the operator token they are refused.
    const list = await asOwner(base, mesh.owner, "GET", "/admin/meshes");
    expect([list.status, list.body.error]).toEqual([401, "admin_unauthorized"]);
  });

  test("a replayed signed request is refused; a new signature passes", async () => {
    const base = suite.broker.baseUrl;
    const mesh = await createMesh(suite.sql);
    const path = `/admin/meshes/${mesh.slug}`;
    const body = JSON.stringify({ name: "renamed once" });
    const headers = { ...signAdminRequest(mesh.owner, "PATCH", path, body) };
    const first = await adminRequest(base, "PATCH", path, { body, headers });
    expect(first.status).toBe(200);
    const replay = await adminRequest(base, "PATCH", path, { body, headers });
    expect([replay.status, replay.body.error]).toEqual([401, "admin_replayed"]);
    const again = await asOwner(base, mesh.owner, "PATCH", path, { name: "renamed twice" });
    expect(again.status).toBe(200);
    expect((await auditRows(suite.sql, mesh.id)).map((r) => r.event)).toEqual(["mesh_updated", "mesh_updated"]);
  });

  test("a body changed after signing, a signature over another path or method, a stale timestamp are refused", async () => {
    const base = suite.broker.baseUrl;
    const mesh = await createMesh(suite.sql);
    const path = `/admin/meshes/${mesh.slug}`;
    const signedFor = (method: string, p: string, body: string, now?: number) => ({
      ...signAdminRequest(mesh.owner, method, p, body, now),
    });

    const tampered = await adminRequest(base, "PATCH", path, {
      body: JSON.stringify({ name: "evil" }),
      headers: signedFor("PATCH", path, JSON.stringify({ name: "good" })),
    });
    expect([tampered.status, tampered.body.error]).toEqual([401, "admin_bad_signature"]);

    const otherPath = await adminRequest(base, "POST", `${path}/archive`, {
      headers: signedFor("POST", `${path}/unarchive`, ""),
    });
    expect([otherPath.status, otherPath.body.error]).toEqual([401, "admin_bad_signature"]);

    const otherMethod = await adminRequest(base, "GET", path, { headers: signedFor("POST", path, "") });
    expect([otherMethod.status, otherMethod.body.error]).toEqual([401, "admin_bad_signature"]);

    // The query string is signed as sent.
    const query = await adminRequest(base, "GET", `${path}?verbose=1`, { headers: signedFor("GET", path, "") });
    expect([query.status, query.body.error]).toEqual([401, "admin_bad_signature"]);
    const withQuery = await adminRequest(base, "GET", `${path}?verbose=1`, {
      headers: signedFor("GET", `${path}?verbose=1`, ""),
    });
    expect(withQuery.status).toBe(200);

    const stale = await adminRequest(base, "GET", path, { headers: signedFor("GET", path, "", Date.now() - 120_000) });
    expect([stale.status, stale.body.error]).toEqual([401, "admin_clock_skew"]);

    const malformed = await adminRequest(base, "GET", path, {
      headers: { ...signedFor("GET", path, ""), "x-mesh-signature": "zz" },
    });
    expect([malformed.status, malformed.body.error]).toEqual([401, "admin_unauthorized"]);

    // Nothing above changed the mesh.
    expect(await auditRows(suite.sql, mesh.id)).toEqual([]);
  });

  test("path parameters are validated; unknown paths 404, other methods 405 with Allow", async () => {
    const base = suite.broker.baseUrl;
    const mesh = await createMesh(suite.sql);
    const bad = await asOperator(base, "GET", "/admin/meshes/Not_A_Slug");
    expect([bad.status, bad.body.error]).toEqual([400, "bad_request"]);
    const badInvite = await asOperator(base, "POST", `/admin/meshes/${mesh.slug}/invites/XYZ/revoke`);
    expect([badInvite.status, badInvite.body.error]).toEqual([400, "bad_request"]);
    expect((await asOperator(base, "GET", `/admin/meshes/${mesh.slug}/`)).status).toBe(404);
    expect((await asOperator(base, "GET", `/admin/meshes/${mesh.slug}/nothing`)).status).toBe(404);
    const wrong = await asOperator(base, "DELETE", `/admin/meshes/${mesh.slug}`);
    expect([wrong.status, wrong.body.error, wrong.headers.get("allow")]).toEqual([
      405,
      "method_not_allowed",
      "GET, PATCH",
    ]);
    const unknownMesh = await asOperator(base, "GET", "/admin/meshes/no-such-mesh-here");
    expect([unknownMesh.status, unknownMesh.body.error]).toEqual([404, "mesh_not_found"]);
  });

  test("bodies: not JSON, a wrong field, too large → bad_json, bad_request, payload_too_large", async () => {
    const base = suite.broker.baseUrl;
    const mesh = await createMesh(suite.sql);
    const path = `/admin/meshes/${mesh.slug}`;
    const notJson = await asOperator(base, "PATCH", path, "{nope");
    expect([notJson.status, notJson.body.error]).toEqual([400, "bad_json"]);
    const empty = await asOperator(base, "PATCH", path, {});
    expect([empty.status, empty.body.error]).toEqual([400, "bad_request"]);
    const badProfile = await asOperator(base, "PATCH", path, { profile: "open" });
    expect([badProfile.status, badProfile.body.error]).toEqual([400, "bad_request"]);
    expect(String(badProfile.body.message)).toContain("profile");
    const control = await asOperator(base, "PATCH", path, { name: "line\nbreak" });
    expect([control.status, control.body.error]).toEqual([400, "bad_request"]);
    const huge = await asOperator(base, "PATCH", path, { name: "x".repeat(70_000) });
    expect([huge.status, huge.body.error]).toEqual([413, "payload_too_large"]);
    // Unknown fields are ignored, as on /join and the hook.
    const extra = await asOperator(base, "PATCH", path, { name: "with extra", colour: "blue" });
    expect(extra.status).toBe(200);
  });
});
