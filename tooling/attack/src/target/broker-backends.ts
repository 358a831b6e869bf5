import type { Sql } from "@mesh/db";

/**
 * Terminates every connection the brokers hold to `database` (pool, ping,
 * wake listener: application names starting `mesh-broker`), never another
 * database's; resolves with how many were terminated.
 */
export async function terminateBrokerBackends(sql: Sql, database: string): Promise<number> {
  const rows = await sql<{ terminated: boolean }[]>`
    select pg_terminate_backend(pid) as terminated from pg_stat_activity
    where datname = ${database} and application_name like 'mesh-broker%'`;
  return rows.filter((r) => r.terminated).length;
}
