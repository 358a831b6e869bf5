import type { Sql } from "@mesh/db";

/** Records what a live session says it is doing; an empty summary clears it. */
export async function setPresenceSummary(sql: Sql, presenceId: string, summary: string): Promise<void> {
  await sql`update mesh.presence set summary = ${summary === "" ? null : summary}
            where id = ${presenceId} and disconnected_at is null`;
}
