import { beforeAll, describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import { createTestDatabase } from "@mesh/db/testing";
import {
  type Ed25519KeyPair,
  generateEd25519KeyPair,
  type InvitePayload,
  inviteSigningString,
  signEd25519,
} from "@mesh/shared";
import { eventually, startBrokerProcess } from "../helpers/broker-process.ts";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { addMember, createInvite, createMesh, type TestInvite, type TestMesh } from "../helpers/mesh-fixtures.ts";
import { type JoinAnswer, joinBody, postJoin } from "./join-request.ts";

const MAX_MESSAGE_BYTES = 4096;

const suite = useBrokerSuite({ MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES) });
/** Every invite token and signature used here; none may ever reach the broker's log. */
const secrets = new Set<string>();

const post = (body: string, baseUrl = suite.broker.baseUrl): Promise<JoinAnswer> => postJoin(baseUrl, body);

/** Joins with `joinBody(invite, fields, options)`: a fresh key and name, and the key's proof, unless told. */
function join(invite: TestInvite, fields: Record<string, unknown> = {}, options: Parameters<typeof joinBody>[2] = {}) {
  const body = joinBody(invite, fields, options);
  if (typeof body.proof_signature === "string") secrets.add(body.proof_signature);
  return post(JSON.stringify(body));
}

/** An owner-signed invite (see `createInvite`), its token and signature remembered as secrets. */
async function inviteFor(mesh: TestMesh, options: Parameters<typeof createInvite>[2] = {}): Promise<TestInvite> {
  const invite = await createInvite(suite.sql, mesh, options);
  secrets.add(invite.token);
  secrets.add(invite.payload.signature);
  return invite;
}

/** `payload` with `changes`, signed anew by `signer`. */
function resign(
  payload: InvitePayload,
  changes: Partial<Omit<InvitePayload, "signature">>,
  signer: Ed25519KeyPair,
): InvitePayload {
  const unsigned = { ...payload, owner_pubkey: signer.publicKey, ...changes };
  const signature = signEd25519(signer, inviteSigningString(unsigned));
  secrets.add(signature);
  return { ...unsigned, signature };
}

async function usedCount(token: string): Promise<number> {
  const [row] = await suite.sql<{ used: number }[]>`select used_count as used from mesh.invite where token = ${token}`;
  if (!row) throw new Error(`no invite ${token}`);
  return row.used;
}

async function memberCount(meshId: string): Promise<number> {
  const [row] = await suite.sql<{ n: number }[]>`select count(*)::int as n from mesh.member where mesh_id = ${meshId}`;
  return row?.n ?? -1;
}

/** Asserts a refusal that spent nothing and enrolled nobody. */
async function expectRefused(answer: JoinAnswer, status: number, code: string, invite: TestInvite, meshId: string) {
  expect(answer).toEqual({ status, body: { ok: false, error: code, message: expect.any(String) } });
  expect(await usedCount(invite.token)).toBe(0);
  expect(await memberCount(meshId)).toBe(0);
}

describe("POST /join admits", () => {
  test("a new key with the invite's role and its display name, spending one use, audited and logged", async () => {
    const mesh = await createMesh(suite.sql);
    const invite = await inviteFor(mesh, { role: "admin", maxUses: 2 });
    const keys = generateEd25519KeyPair();

    const answer = await join(invite, { display_name: "  first builder " }, { keys });

    expect(answer).toEqual({ status: 200, body: { ok: true, memberId: expect.any(String) } });
    const memberId = String(answer.body.memberId);
    const members = await suite.sql`
      select mesh_id, pubkey, display_name, role, revoked_at from mesh.member where id = ${memberId}`;
    expect([...members]).toEqual([
      { mesh_id: mesh.id, pubkey: keys.publicKey, display_name: "first builder", role: "admin", revoked_at: null },
    ]);
    expect(await usedCount(invite.token)).toBe(1);

    const audit = await suite.sql`
      select event, mesh_id, target, detail from mesh.audit_log where target = ${memberId}`;
    expect([...audit]).toEqual([
      { event: "member_joined", mesh_id: mesh.id, target: memberId, detail: { role: "admin" } },
    ]);
    expect(JSON.stringify([...audit])).not.toContain(keys.publicKey);

    const logged = () => suite.broker.logs.find((l) => l.msg === "join" && l.member_id === memberId);
    expect(await eventually(async () => logged() !== undefined, 15_000)).toBe(true);
    expect(logged()).toMatchObject({ level: "info", mesh_id: mesh.id, member_id: memberId });
  });

  test("invite_payload given as the whole link or as its bare base64url part", async () => {
    const mesh = await createMesh(suite.sql);
    const invite = await inviteFor(mesh, { maxUses: 2 });

    const asLink = await join(invite, { invite_payload: invite.link });
    const asPart = await join(invite, { invite_payload: invite.link.slice("ic://join/".length) });

    expect(asLink).toEqual({ status: 200, body: { ok: true, memberId: expect.any(String) } });
    expect(asPart).toEqual({ status: 200, body: { ok: true, memberId: expect.any(String) } });
    expect(await usedCount(invite.token)).toBe(2);
    expect(await memberCount(mesh.id)).toBe(2);
  });

  test("a key that is already a member with its id and alreadyMember, spending no use", async () => {
    const mesh = await createMesh(suite.sql);
    const member = await addMember(suite.sql, mesh, { displayName: "old name" });
    const invite = await inviteFor(mesh, { role: "admin" });

    const answer = await join(invite, { display_name: "new name" }, { keys: member.keys });

    expect(answer).toEqual({ status: 200, body: { ok: true, memberId: member.id, alreadyMember: true } });
    expect(await usedCount(invite.token)).toBe(0);
    const [row] = await suite.sql`select display_name, role from mesh.member where id = ${member.id}`;
    expect(row).toEqual({ display_name: "old name", role: "member" });
  });

  test("a retry by the same key after its one-use invite was spent, as alreadyMember", async () => {
    const mesh = await createMesh(suite.sql);
    const invite = await inviteFor(mesh, { maxUses: 1 });
    const keys = generateEd25519KeyPair();

    const first = await join(invite, { display_name: "retrier" }, { keys });
    const retry = await join(invite, { display_name: "retrier" }, { keys });

    expect(first).toEqual({ status: 200, body: { ok: true, memberId: expect.any(String) } });
    expect(retry).toEqual({ status: 200, body: { ok: true, memberId: first.body.memberId, alreadyMember: true } });
    expect(await usedCount(invite.token)).toBe(1);
  });
});

describe("POST /join refuses", () => {
  test("a tampered payload: 400 invite_bad_signature", async () => {
    const mesh = await createMesh(suite.sql);
    const invite = await inviteFor(mesh);
    const answer = await join(invite, { invite_payload: { ...invite.payload, mesh_slug: "another-slug" } });
    await expectRefused(answer, 400, "invite_bad_signature", invite, mesh.id);
  });

  test("a payload signed by another key that names the owner's key: 400 invite_bad_signature", async () => {
    const mesh = await createMesh(suite.sql);
    const invite = await inviteFor(mesh);
    const forged = { ...resign(invite.payload, {}, generateEd25519KeyPair()), owner_pubkey: mesh.owner.publicKey };
    await expectRefused(await join(invite, { invite_payload: forged }), 400, "invite_bad_signature", invite, mesh.id);
  });

  test("a mesh that does not exist: 404 mesh_not_found", async () => {
    const mesh = await createMesh(suite.sql);
    const invite = await inviteFor(mesh);
    const elsewhere = resign(invite.payload, { mesh_id: randomUUID() }, mesh.owner);
    await expectRefused(await join(invite, { invite_payload: elsewhere }), 404, "mesh_not_found", invite, mesh.id);
  });

  test("an archived mesh: 404 mesh_not_found", async () => {
    const mesh = await createMesh(suite.sql);
    const invite = await inviteFor(mesh);
    await suite.sql`update mesh.mesh set archived_at = now() where id = ${mesh.id}`;
    await expectRefused(await join(invite), 404, "mesh_not_found", invite, mesh.id);
  });

  test("a validly signed payload by a key that does not own the mesh: 400 invite_owner_mismatch", async () => {
    const mesh = await createMesh(suite.sql);
    const invite = await inviteFor(mesh, { signer: generateEd25519KeyPair() });
    await expectRefused(await join(invite), 400, "invite_owner_mismatch", invite, mesh.id);
  });

  test("an unknown token: 404 invite_not_found", async () => {
    const mesh = await createMesh(suite.sql);
    const invite = await inviteFor(mesh);
    const answer = await join(invite, { invite_token: randomUUID() });
    await expectRefused(answer, 404, "invite_not_found", invite, mesh.id);
  });

  test("the token of mesh A with the payload of mesh B: 400 invite_mesh_mismatch", async () => {
    const meshA = await createMesh(suite.sql);
    const meshB = await createMesh(suite.sql);
    const inviteA = await inviteFor(meshA);
    const inviteB = await inviteFor(meshB);
    const answer = await join(inviteA, { invite_payload: inviteB.payload });
    await expectRefused(answer, 400, "invite_mesh_mismatch", inviteA, meshA.id);
    await expectRefused(answer, 400, "invite_mesh_mismatch", inviteB, meshB.id);
  });

  test("a payload naming another role than the token's row: 400 invite_mesh_mismatch", async () => {
    const mesh = await createMesh(suite.sql);
    const invite = await inviteFor(mesh, { role: "member" });
    const promoted = resign(invite.payload, { role: "admin" }, mesh.owner);
    await expectRefused(await join(invite, { invite_payload: promoted }), 400, "invite_mesh_mismatch", invite, mesh.id);
  });

  test("a revoked invite: 410 invite_revoked", async () => {
    const mesh = await createMesh(suite.sql);
    const invite = await inviteFor(mesh, { revoked: true });
    await expectRefused(await join(invite), 410, "invite_revoked", invite, mesh.id);
  });

  test("an invite whose row has expired, even with a payload promising later: 410 invite_expired", async () => {
    const mesh = await createMesh(suite.sql);
    const invite = await inviteFor(mesh, { expiresAt: new Date(Date.now() - 60_000) });
    await expectRefused(await join(invite), 410, "invite_expired", invite, mesh.id);
    const later = resign(invite.payload, { expires_at: new Date(Date.now() + 3600_000).toISOString() }, mesh.owner);
    await expectRefused(await join(invite, { invite_payload: later }), 410, "invite_expired", invite, mesh.id);
  });

  test("a link issued before expiries were unix seconds (ISO 8601) still admits, and still expires", async () => {
    const mesh = await createMesh(suite.sql);
    const invite = await inviteFor(mesh, { expiryForm: "iso" });
    expect(typeof invite.payload.expires_at).toBe("string");
    expect((await join(invite)).status).toBe(200);
    const other = await createMesh(suite.sql);
    const old = await inviteFor(other, { expiryForm: "iso", expiresAt: new Date(Date.now() - 60_000) });
    await expectRefused(await join(old), 410, "invite_expired", old, other.id);
  });

  test("a payload that has expired while its row has not: 410 invite_expired", async () => {
    const mesh = await createMesh(suite.sql);
    const invite = await inviteFor(mesh);
    const stale = resign(invite.payload, { expires_at: Date.now() - 60_000 }, mesh.owner);
    await expectRefused(await join(invite, { invite_payload: stale }), 410, "invite_expired", invite, mesh.id);
  });

  test("a new key once the uses are spent: 410 invite_exhausted", async () => {
    const mesh = await createMesh(suite.sql);
    const invite = await inviteFor(mesh, { maxUses: 1 });
    expect((await join(invite)).status).toBe(200);
    const answer = await join(invite);
    expect(answer).toEqual({
      status: 410,
      body: { ok: false, error: "invite_exhausted", message: expect.any(String) },
    });
    expect(await usedCount(invite.token)).toBe(1);
    expect(await memberCount(mesh.id)).toBe(1);
  });

  test("a key revoked from the mesh: 403 member_revoked", async () => {
    const mesh = await createMesh(suite.sql);
    const revoked = await addMember(suite.sql, mesh, { revoked: true });
    const invite = await inviteFor(mesh);
    const answer = await join(invite, {}, { keys: revoked.keys });
    expect(answer).toEqual({ status: 403, body: { ok: false, error: "member_revoked", message: expect.any(String) } });
    expect(await usedCount(invite.token)).toBe(0);
    const [row] = await suite.sql`select revoked_at is not null as revoked from mesh.member where id = ${revoked.id}`;
    expect(row).toEqual({ revoked: true });
  });
});

describe("POST /join under concurrency", () => {
  test("two keys racing for a one-use invite: exactly one joins, the other gets invite_exhausted", async () => {
    for (let round = 0; round < 5; round++) {
      const mesh = await createMesh(suite.sql);
      const invite = await inviteFor(mesh, { maxUses: 1 });
      const answers = await Promise.all([join(invite), join(invite)]);
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([200, 410]);
      expect(answers.find((a) => a.status === 410)?.body.error).toBe("invite_exhausted");
      expect(await usedCount(invite.token)).toBe(1);
      expect(await memberCount(mesh.id)).toBe(1);
    }
  });

  test("one key joining three times at once: one member, one use, the others alreadyMember", async () => {
    const mesh = await createMesh(suite.sql);
    const invite = await inviteFor(mesh, { maxUses: 3 });
    const keys = generateEd25519KeyPair();
    const answers = await Promise.all([1, 2, 3].map(() => join(invite, { display_name: "triple" }, { keys })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(new Set(answers.map((a) => a.body.memberId)).size).toBe(1);
    expect(answers.filter((a) => a.body.alreadyMember === true)).toHaveLength(2);
    expect(await usedCount(invite.token)).toBe(1);
    expect(await memberCount(mesh.id)).toBe(1);
  });
});

describe("POST /join with a bad request", () => {
  let invite: TestInvite;
  let meshId: string;

  beforeAll(async () => {
    const mesh = await createMesh(suite.sql);
    meshId = mesh.id;
    invite = await inviteFor(mesh);
  });

  const expectBadRequest = async (answer: JoinAnswer, code: string, message: RegExp) => {
    expect(answer).toEqual({ status: 400, body: { ok: false, error: code, message: expect.stringMatching(message) } });
    expect(await usedCount(invite.token)).toBe(0);
    expect(await memberCount(meshId)).toBe(0);
  };

  test("a body that is not JSON: 400 bad_json", async () => {
    await expectBadRequest(await post("{not json"), "bad_json", /JSON/);
  });

  test("a missing field: 400 bad_request naming it", async () => {
    const { display_name: _, ...body } = joinBody(invite);
    await expectBadRequest(await post(JSON.stringify(body)), "bad_request", /^display_name: /);
  });

  test("a peer key that is not 64 hex characters: 400 bad_request", async () => {
    await expectBadRequest(await join(invite, { peer_pubkey: "abc" }), "bad_request", /^peer_pubkey: /);
  });

  test("an invite_payload that is no invite: 400 bad_request", async () => {
    await expectBadRequest(await join(invite, { invite_payload: "ic://join/!!!" }), "bad_request", /^invite_payload/);
    const { signature: _, ...unsigned } = invite.payload;
    await expectBadRequest(
      await join(invite, { invite_payload: unsigned }),
      "bad_request",
      /^invite_payload\.signature: /,
    );
  });

  test("JSON that is not an object: 400 bad_request", async () => {
    await expectBadRequest(await post("[]"), "bad_request", /./);
    await expectBadRequest(await post("null"), "bad_request", /./);
  });

  test("a body over MAX_MESSAGE_BYTES: 413 payload_too_large", async () => {
    const body = JSON.stringify(joinBody(invite, { padding: "x".repeat(MAX_MESSAGE_BYTES) }));
    const answer = await post(body);
    expect(answer).toEqual({
      status: 413,
      body: { ok: false, error: "payload_too_large", message: expect.any(String) },
    });
    expect(await usedCount(invite.token)).toBe(0);
  });

  test("GET /join: 405 with Allow: POST", async () => {
    const res = await fetch(`${suite.broker.baseUrl}/join`);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
    expect(await res.json()).toMatchObject({ ok: false, error: "method_not_allowed" });
  });
});

describe("POST /join without a database", () => {
  test("answers 503 db_unavailable once the broker has seen Postgres go", async () => {
    const mesh = await createMesh(suite.sql);
    const invite = await inviteFor(mesh);
    const lost = await createTestDatabase();
    const orphan = await startBrokerProcess({ DATABASE_URL: lost.url, DB_PING_INTERVAL_MS: "200" });
    try {
      await lost.drop();
      const healthDown = async () => (await fetch(`${orphan.baseUrl}/health`)).status === 503;
      expect(await eventually(healthDown, 15_000)).toBe(true);
      const answer = await post(JSON.stringify(joinBody(invite)), orphan.baseUrl);
      expect(answer).toEqual({
        status: 503,
        body: { ok: false, error: "db_unavailable", message: expect.any(String) },
      });
    } finally {
      // Its graceful shutdown waits out the connect timeout of a database that is gone; not under test here.
      await orphan.stop("SIGKILL");
    }
  });
});

describe("after every request above", () => {
  test("the broker is still up, logged no unhandled error and never a token or signature", async () => {
    expect(suite.broker.process.exitCode).toBeNull();
    expect(await suite.broker.stop("SIGTERM")).toBe(0);
    // Its last line: every line before it has been read.
    await suite.broker.waitForLog("shutdown complete");
    expect(suite.broker.logs.filter((l) => l.msg === "unhandled request error")).toEqual([]);
    const logText = JSON.stringify(suite.broker.logs);
    expect(secrets.size).toBeGreaterThan(20);
    for (const secret of secrets) expect(logText).not.toContain(secret);
    expect(suite.broker.logs.some((l) => l.msg === "join refused")).toBe(true);
  });
});
