import { describe, expect, test } from "bun:test";
import { adminRequestSigningString, generateEd25519KeyPair, sha256Hex, signAdminRequest } from "@mesh/shared";
import { BrokerError } from "../server/broker-error.ts";
import { checkOwnerSignature, MAX_ADMIN_SKEW_MS } from "./owner-signature.ts";

const owner = generateEd25519KeyPair();
const NOW = 1_800_000_000_000;
const request = { method: "POST", pathAndQuery: "/admin/meshes/ops/archive", bodySha256: sha256Hex("") };

const headersOf = (h: Record<string, string>) => new Headers(h);
const codeOf = (run: () => unknown): string => {
  try {
    run();
  } catch (e: unknown) {
    if (e instanceof BrokerError) return e.code;
    throw e;
  }
  return "accepted";
};

describe("checkOwnerSignature", () => {
  test("accepts what signAdminRequest signed, with the key in lower case", () => {
    const signed = signAdminRequest(owner, "post", request.pathAndQuery, "", NOW);
    expect(checkOwnerSignature(headersOf({ ...signed }), request, NOW)).toEqual({
      ownerKey: owner.publicKey,
      timestamp: NOW,
    });
    const upper = { ...signed, "x-mesh-owner-key": signed["x-mesh-owner-key"].toUpperCase() };
    expect(checkOwnerSignature(headersOf(upper), request, NOW).ownerKey).toBe(owner.publicKey);
  });

  test("the signing string names its version, the method in upper case, the path, the body hash and the time", () => {
    expect(adminRequestSigningString({ ...request, method: "patch", timestamp: 5 })).toBe(
      `mesh-admin-v1|PATCH|/admin/meshes/ops/archive|${sha256Hex("")}|5`,
    );
  });

  test("refuses malformed headers, a timestamp past the window either way, and any change to what was signed", () => {
    const signed = signAdminRequest(owner, "POST", request.pathAndQuery, "", NOW);
    const check = (h: Record<string, string>, r = request, now = NOW) =>
      codeOf(() => checkOwnerSignature(headersOf(h), r, now));
    expect(check({ ...signed, "x-mesh-timestamp": "soon" })).toBe("admin_unauthorized");
    expect(check({ ...signed, "x-mesh-signature": "ab" })).toBe("admin_unauthorized");
    const { "x-mesh-signature": _dropped, ...unsigned } = signed;
    expect(check(unsigned)).toBe("admin_unauthorized");
    expect(check(signed, request, NOW + MAX_ADMIN_SKEW_MS)).toBe("accepted");
    expect(check(signed, request, NOW + MAX_ADMIN_SKEW_MS + 1)).toBe("admin_clock_skew");
    expect(check(signed, request, NOW - MAX_ADMIN_SKEW_MS - 1)).toBe("admin_clock_skew");
    expect(check(signed, { ...request, method: "GET" })).toBe("admin_bad_signature");
    expect(check(signed, { ...request, pathAndQuery: "/admin/meshes/ops/unarchive" })).toBe("admin_bad_signature");
    expect(check(signed, { ...request, bodySha256: sha256Hex("{}") })).toBe("admin_bad_signature");
    const other = generateEd25519KeyPair();
    expect(check({ ...signed, "x-mesh-owner-key": other.publicKey })).toBe("admin_bad_signature");
  });

  test("timestamps a process signs without a clock value never repeat", () => {
    const stamps = Array.from({ length: 50 }, () => signAdminRequest(owner, "GET", "/x")["x-mesh-timestamp"]);
    expect(new Set(stamps).size).toBe(50);
  });
});
