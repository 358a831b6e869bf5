import { describe, expect, test } from "bun:test";
import {
  encodeInviteLink,
  generateEd25519KeyPair,
  type InvitePayload,
  inviteSigningString,
  signEd25519,
} from "@mesh/shared";
import type { JoinProof } from "./join-proof.ts";
import type { JoinState } from "./read-join-state.ts";
import { decideJoin, inviteSignatureValid, type ParsedInvite, parseInvitePayload } from "./verify-invite.ts";

const owner = generateEd25519KeyPair();
const NOW = new Date("2030-01-01T00:00:00.000Z");
const LATER = new Date("2030-01-02T00:00:00.000Z");
const EARLIER = new Date("2029-12-31T00:00:00.000Z");

function signedPayload(changes: Partial<Omit<InvitePayload, "signature">> = {}, signer = owner): InvitePayload {
  const unsigned = {
    v: 1 as const,
    mesh_id: "mesh-1",
    mesh_slug: "team",
    broker_url: "ws://broker.test/ws",
    expires_at: LATER.toISOString(),
    mesh_root_key: "root-key",
    role: "member" as const,
    owner_pubkey: signer.publicKey,
    ...changes,
  };
  return { ...unsigned, signature: signEd25519(signer, inviteSigningString(unsigned)) };
}

function parsed(payload: InvitePayload): ParsedInvite {
  const result = parseInvitePayload(payload);
  if (!result.ok) throw new Error(result.message);
  return result.invite;
}

/** A state in which a new key may join with one use of a one-use member invite. */
function state(changes: Partial<JoinState> = {}): JoinState {
  return {
    now: NOW,
    mesh: { ownerPubkey: owner.publicKey, archived: false, profile: "strict" as const },
    invite: { meshId: "mesh-1", role: "member", maxUses: 1, usedCount: 0, expiresAt: LATER, revoked: false },
    member: undefined,
    ...changes,
  };
}

/** Decides as the route does after a join proved its key (unless `proof` says otherwise). */
const decide = (invite: ParsedInvite, joinState: JoinState, proof: JoinProof = "valid") =>
  decideJoin(invite, joinState, proof);

const invite = (changes: Partial<NonNullable<JoinState["invite"]>>) => {
  const base = state().invite;
  if (!base) throw new Error("base state has an invite");
  return { ...base, ...changes };
};

describe("parseInvitePayload", () => {
  const payload = signedPayload();

  test("accepts the object, the whole link and the bare base64url part alike", () => {
    const link = encodeInviteLink(payload);
    for (const raw of [payload, link, link.slice("ic://join/".length), `  ${link}\n`]) {
      const result = parseInvitePayload(raw);
      expect(result).toEqual({ ok: true, invite: { payload, expiresAt: LATER } });
    }
  });

  test("reads a numeric expires_at as milliseconds, or as seconds (claudemesh links) below 10^11", () => {
    const seconds = Math.floor(LATER.getTime() / 1000);
    for (const expires_at of [LATER.getTime(), String(LATER.getTime()), seconds * 1000]) {
      const result = parseInvitePayload({ ...payload, expires_at });
      expect(result.ok && result.invite.expiresAt.getTime()).toBe(Number(expires_at));
    }
    for (const expires_at of [seconds, String(seconds)]) {
      const result = parseInvitePayload({ ...payload, expires_at });
      expect(result.ok && result.invite.expiresAt.getTime()).toBe(seconds * 1000);
    }
  });

  test("refuses what is not an invite, naming the field", () => {
    expect(parseInvitePayload("ic://join/%%%")).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^invite_payload: /),
    });
    expect(parseInvitePayload(Buffer.from("[1,2]").toString("base64url"))).toMatchObject({ ok: false });
    const { signature: _, ...unsigned } = payload;
    expect(parseInvitePayload(unsigned)).toEqual({
      ok: false,
      message: expect.stringMatching(/^invite_payload\.signature: /),
    });
    expect(parseInvitePayload({ ...payload, v: 2 })).toMatchObject({ ok: false });
    expect(parseInvitePayload({ ...payload, owner_pubkey: "xyz" })).toMatchObject({ ok: false });
    expect(parseInvitePayload({ ...payload, expires_at: "next tuesday" })).toEqual({
      ok: false,
      message: "invite_payload.expires_at: not a date",
    });
  });
});

describe("inviteSignatureValid", () => {
  test("holds for the owner's signature, not for a tampered field or another signer", () => {
    const payload = signedPayload();
    expect(inviteSignatureValid(payload)).toBe(true);
    expect(inviteSignatureValid({ ...payload, role: "admin" })).toBe(false);
    expect(inviteSignatureValid({ ...payload, broker_url: "ws://evil.test/ws" })).toBe(false);
    const other = signedPayload({}, generateEd25519KeyPair());
    expect(inviteSignatureValid({ ...other, owner_pubkey: owner.publicKey })).toBe(false);
  });
});

describe("decideJoin", () => {
  const ok = parsed(signedPayload());
  const refusal = (decision: ReturnType<typeof decideJoin>) =>
    decision.kind === "refuse" ? decision.refusal.code : decision.kind;

  test("a valid invite and a new key consume a use", () => {
    expect(decide(ok, state())).toEqual({ kind: "consume" });
  });

  test("each check refuses with its own code", () => {
    expect(refusal(decide(ok, state({ mesh: undefined })))).toBe("mesh_not_found");
    expect(
      refusal(
        decide(ok, state({ mesh: { ownerPubkey: owner.publicKey, archived: true, profile: "strict" as const } })),
      ),
    ).toBe("mesh_not_found");
    const stranger = generateEd25519KeyPair().publicKey;
    expect(
      refusal(decide(ok, state({ mesh: { ownerPubkey: stranger, archived: false, profile: "strict" as const } }))),
    ).toBe("invite_owner_mismatch");
    expect(refusal(decide(ok, state({ invite: undefined })))).toBe("invite_not_found");
    expect(refusal(decide(ok, state({ invite: invite({ meshId: "mesh-2" }) })))).toBe("invite_mesh_mismatch");
    expect(refusal(decide(ok, state({ invite: invite({ role: "admin" }) })))).toBe("invite_mesh_mismatch");
    expect(refusal(decide(ok, state({ invite: invite({ revoked: true }) })))).toBe("invite_revoked");
    expect(refusal(decide(ok, state({ invite: invite({ expiresAt: EARLIER }) })))).toBe("invite_expired");
    expect(refusal(decide(ok, state({ invite: invite({ expiresAt: NOW }) })))).toBe("invite_expired");
    expect(refusal(decide(ok, state({ invite: invite({ usedCount: 1 }) })))).toBe("invite_exhausted");
    expect(refusal(decide(ok, state({ member: { id: "m-1", revoked: true } })))).toBe("member_revoked");
  });

  test("the payload's own expiry counts even when the row's has not passed", () => {
    const expiredPayload = parsed(signedPayload({ expires_at: EARLIER.toISOString() }));
    expect(refusal(decide(expiredPayload, state()))).toBe("invite_expired");
  });

  test("the owner key compares case-insensitively with the stored one", () => {
    const upper = state({
      mesh: { ownerPubkey: owner.publicKey.toUpperCase(), archived: false, profile: "strict" as const },
    });
    expect(decide(ok, upper)).toEqual({ kind: "consume" });
  });

  test("checks run in the documented order", () => {
    const everythingWrong = state({
      mesh: { ownerPubkey: generateEd25519KeyPair().publicKey, archived: false, profile: "strict" as const },
      invite: invite({ meshId: "mesh-2", revoked: true, expiresAt: EARLIER, usedCount: 1 }),
      member: { id: "m-1", revoked: true },
    });
    expect(refusal(decide(ok, everythingWrong))).toBe("invite_owner_mismatch");
    const ownerFixed = { ...everythingWrong, mesh: state().mesh };
    expect(refusal(decide(ok, ownerFixed))).toBe("invite_mesh_mismatch");
    const meshFixed = { ...ownerFixed, invite: invite({ revoked: true, expiresAt: EARLIER, usedCount: 1 }) };
    expect(refusal(decide(ok, meshFixed))).toBe("invite_revoked");
    const revokedFixed = { ...meshFixed, invite: invite({ expiresAt: EARLIER, usedCount: 1 }) };
    expect(refusal(decide(ok, revokedFixed))).toBe("invite_expired");
    const expiryFixed = { ...revokedFixed, invite: invite({ usedCount: 1 }) };
    expect(refusal(decide(ok, expiryFixed))).toBe("member_revoked");
  });

  test("a strict mesh refuses a join without a proof, before the token is looked at; a claudemesh mesh does not", () => {
    expect(refusal(decide(ok, state(), "absent"))).toBe("join_proof_required");
    expect(refusal(decide(ok, state({ invite: undefined }), "absent"))).toBe("join_proof_required");
    expect(refusal(decide(ok, state({ member: { id: "m-1", revoked: false } }), "absent"))).toBe("join_proof_required");
    const claudemesh = { ownerPubkey: owner.publicKey, archived: false, profile: "claudemesh" as const };
    expect(decide(ok, state({ mesh: claudemesh }), "absent")).toEqual({ kind: "consume" });
    expect(decide(ok, state({ mesh: claudemesh }), "valid")).toEqual({ kind: "consume" });
    // The mesh and its owner come first: a stranger learns nothing about the profile.
    const stranger = { ...state().mesh, ownerPubkey: generateEd25519KeyPair().publicKey } as JoinState["mesh"];
    expect(refusal(decide(ok, state({ mesh: stranger }), "absent"))).toBe("invite_owner_mismatch");
  });

  test("a current member is answered without a use, even when none is left", () => {
    const member = { id: "m-1", revoked: false };
    expect(decide(ok, state({ member }))).toEqual({ kind: "already_member", memberId: "m-1" });
    expect(decide(ok, state({ member, invite: invite({ usedCount: 1 }) }))).toEqual({
      kind: "already_member",
      memberId: "m-1",
    });
    // …but not through a revoked or expired invite.
    expect(refusal(decide(ok, state({ member, invite: invite({ revoked: true }) })))).toBe("invite_revoked");
  });
});
