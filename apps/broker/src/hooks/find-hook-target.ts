import type { Sql } from "@mesh/db";

/**
 * The live presence a tokenless hook means (docs/protocol.md#hook-endpoint): the one with exactly
 * this pid and cwd, else the most recently connected one in that cwd.
 * Undefined when no live session runs there.
 */
export async function findHookTarget(sql: Sql, hook: { pid: number | null; cwd: string }): Promise<string | undefined> {
  const [row] = await sql<{ id: string }[]>`
    select id from mesh.presence
    where cwd = ${hook.cwd} and disconnected_at is null
    order by (pid = ${hook.pid}::int) is true desc, connected_at desc, id
    limit 1`;
  return row?.id;
}
