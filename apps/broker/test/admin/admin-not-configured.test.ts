import { describe, expect, test } from "bun:test";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { createMesh } from "../helpers/mesh-fixtures.ts";
import { asOperator, asOwner } from "./admin-requests.ts";

// No ADMIN_TOKEN_SHA256: the operator credential does not exist.
const suite = useBrokerSuite({});

describe("a broker without ADMIN_TOKEN_SHA256", () => {
  test("refuses every operator request with 403 admin_not_configured, whatever the token", async () => {
    const base = suite.broker.baseUrl;
    const mesh = await createMesh(suite.sql);
    for (const [method, path] of [
      ["GET", "/admin/meshes"],
      ["POST", "/admin/meshes"],
      ["GET", `/admin/meshes/${mesh.slug}`],
      ["POST", `/admin/meshes/${mesh.slug}/archive`],
    ] as const) {
      const res = await asOperator(base, method, path, method === "POST" ? {} : undefined, "any-token");
      expect({ path, status: res.status, error: res.body.error }).toEqual({
        path,
        status: 403,
        error: "admin_not_configured",
      });
    }
    const [row] = await suite.sql`select archived_at from mesh.mesh where id = ${mesh.id}`;
    expect(row?.archived_at).toBeNull();
  });

  test("still takes requests its mesh owner signed", async () => {
    const mesh = await createMesh(suite.sql);
    const res = await asOwner(suite.broker.baseUrl, mesh.owner, "GET", `/admin/meshes/${mesh.slug}/members`);
    expect(res.status).toBe(200);
    expect(res.body.members).toEqual([]);
  });
});
