import type { Sql } from "@mesh/db";
import type { ClientProfile } from "@mesh/shared";

/**
 * The only profile whose sessions a tokenless hook may reach
 * (docs/compatibility.md#client-profiles): claudemesh clients never send a
 * token, and a `strict` mesh never trusts a POST that merely names a cwd.
 */
const ANONYMOUS_HOOK_PROFILE: ClientProfile = "claudemesh";

/**
 * The live presence a tokenless hook means (docs/protocol.md#hook-endpoint): among the
 * sessions of meshes with the `claudemesh` profile, the one with exactly this
 * pid and cwd, else the most recently connected one in that cwd. Undefined
 * when no such session runs there; a session of a `strict` mesh never matches.
 */
export async function findHookTarget(sql: Sql, hook: { pid: number | null; cwd: string }): Promise<string | undefined> {
  const [row] = await sql<{ id: string }[]>`
    select p.id from mesh.presence p join mesh.mesh m on m.id = p.mesh_id
    where p.cwd = ${hook.cwd} and p.disconnected_at is null
      and m.client_profile = ${ANONYMOUS_HOOK_PROFILE}
    order by (p.pid = ${hook.pid}::int) is true desc, p.connected_at desc, p.id
    limit 1`;
  return row?.id;
}
