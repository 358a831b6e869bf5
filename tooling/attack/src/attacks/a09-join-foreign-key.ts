import type { Sql } from "@mesh/db";
import { addMember, createMesh } from "../../../../apps/broker/test/helpers/mesh-fixtures.ts";
import type { Attack } from "../attack.ts";
import { cliInvite, homesFolder, joinWithCli } from "../cli/mesh-homes.ts";
import { describeAnswer, post } from "../net/http.ts";

async function membersWithKey(sql: Sql, meshId: string, pubkey: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from mesh.member where mesh_id = ${meshId} and pubkey = ${pubkey}`;
  return row?.n ?? 0;
}

/**
 * Whoever holds an invite to a strict mesh enrols someone else's public key
 * (copied from a `peers_list` of another mesh) under a name of their choice:
 * nothing in `/join` asks for proof that the caller holds the secret key.
 */
export const joinForeignKey: Attack = {
  number: 9,
  key: "join-foreign-key",
  name: "/join with someone else's key",
  run: async (ctx) => {
    const target = await ctx.openTarget({});
    const elsewhere = await createMesh(target.sql, "the victim's own mesh");
    const victim = await addMember(target.sql, elsewhere, { displayName: "victim" });
    const strict = await createMesh(target.sql, "strict mesh");
    const invite = await cliInvite(target.sql, strict, target.wsUrl, 5);

    const forged = await post(`${target.httpUrl}/join`, {
      invite_token: invite.token,
      invite_payload: invite.link,
      peer_pubkey: victim.keys.publicKey,
      display_name: "victim",
    });
    const enrolled = await membersWithKey(target.sql, strict.id, victim.keys.publicKey);
    // The route must still take an honest join, made by the real CLI.
    const honest = await joinWithCli(homesFolder(ctx.resources)("honest"), invite.link, "honest");

    return {
      figure: `/join with the victim's key: ${describeAnswer(forged)}, ${enrolled} member created; honest CLI join exit ${honest.run.code}`,
      checks: [
        {
          name: "a /join naming a key the caller does not hold enrols nobody",
          ok: forged.status >= 400 && enrolled === 0,
          detail: `${describeAnswer(forged)}; members with the victim's key: ${enrolled}`,
        },
        {
          name: "an honest join with the real CLI still works",
          ok: honest.joined !== undefined,
          detail: `exit ${honest.run.code}${honest.joined ? "" : `: ${honest.run.stderr.trim().slice(0, 160)}`}`,
        },
      ],
      notes: [],
    };
  },
};
