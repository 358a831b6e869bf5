import type { Sql } from "@mesh/db";
import { formatNumber, type ReportTable } from "./report.ts";

/**
 * The statements Postgres spent the most time on during the run, from
 * pg_stat_statements (only with `--pg-stat-statements`, embedded Postgres).
 */
export async function statementStatsTable(sql: Sql, top = 12): Promise<ReportTable> {
  const rows = await sql<{ query: string; calls: string; total: number; mean: number; rows: string }[]>`
    select regexp_replace(query, '\\s+', ' ', 'g') as query, calls::text, total_exec_time as total,
           mean_exec_time as mean, rows::text
    from pg_stat_statements
    where dbid = (select oid from pg_database where datname = current_database())
    order by total_exec_time desc
    limit ${top}`;
  return {
    title: "pg_stat_statements — statements by total execution time (whole run)",
    rows: rows.map((r) => ({
      metric: r.query.length > 110 ? `${r.query.slice(0, 107)}...` : r.query,
      value: `${formatNumber(Number(r.calls))} calls, ${formatNumber(r.total)} ms total, ${r.mean.toFixed(2)} ms mean, ${formatNumber(Number(r.rows))} rows`,
    })),
  };
}
