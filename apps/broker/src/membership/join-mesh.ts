import type { Sql } from "@mesh/db";
import { ErrorCode } from "@mesh/shared";
import { consumeInvite } from "./consume-invite.ts";
import type { JoinProof } from "./join-proof.ts";
import { readJoinState } from "./read-join-state.ts";
import { decideJoin, type JoinRefusal, type ParsedInvite } from "./verify-invite.ts";

/** How a join with a verified signature ended. */
export type JoinOutcome =
  | { kind: "joined"; memberId: string; role: string }
  | { kind: "already_member"; memberId: string }
  | { kind: "refuse"; refusal: JoinRefusal };

/**
 * A lost race sends the join back to a fresh read, which then sees why
 * (no use left, or the key enrolled by the winner); more than one retry
 * only happens if the invite keeps changing under us.
 */
const MAX_ATTEMPTS = 3;

/**
 * Reads the mesh, invite and member, decides, and spends a use on a new
 * member atomically. The update re-checks everything the read saw, so a
 * concurrent join is caught there and classified on a second read.
 */
export async function joinMesh(
  sql: Sql,
  join: { token: string; invite: ParsedInvite; pubkey: string; displayName: string; proof: JoinProof },
): Promise<JoinOutcome> {
  const meshId = join.invite.payload.mesh_id;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const state = await readJoinState(sql, { meshId, token: join.token, pubkey: join.pubkey });
    const decision = decideJoin(join.invite, state, join.proof);
    if (decision.kind !== "consume") return decision;
    const consumed = await consumeInvite(sql, {
      token: join.token,
      meshId,
      pubkey: join.pubkey,
      displayName: join.displayName,
    });
    if (consumed.kind === "joined") return consumed;
    if (consumed.kind === "name_taken") {
      return {
        kind: "refuse",
        refusal: {
          code: ErrorCode.nameTaken,
          message: `another member of this mesh is named "${join.displayName}" (names are unique, ignoring case); choose another`,
        },
      };
    }
  }
  return {
    kind: "refuse",
    refusal: { code: ErrorCode.inviteExhausted, message: "no use of the invite could be taken; try again" },
  };
}
