import type { Sql } from "@mesh/db";

/** The live presence whose hook token hashes to `tokenHash`, or undefined: a hook with a token is scoped to it. */
export async function findPresenceByHookToken(sql: Sql, tokenHash: string): Promise<string | undefined> {
  const [row] = await sql<{ id: string }[]>`
    select id from mesh.presence
    where hook_token_hash = ${tokenHash} and disconnected_at is null`;
  return row?.id;
}
