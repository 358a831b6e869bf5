import postgres from "postgres";
import { LatencyRecorder, type LatencySummary } from "../histogram.ts";
import { formatNumber, ms, type ReportRow } from "../report.ts";
import type { WorkloadContext, WorkloadResult } from "../workload.ts";

/** The broker's default DB_POOL_SIZE: the naive design's likeliest pool. */
const BROKER_POOL_SIZE = 10;
/** Connections left for everyone else when the server has few to spare. */
const CONNECTION_MARGIN = 10;

/**
 * Durability ceiling: naive one-commit-per-message — single-row insert
 * transactions (BEGIN; INSERT; COMMIT) of an envelope-sized row through
 * postgres.js into a scratch table of the bench database, at W1's
 * concurrency (one connection per peer, fewer if the server has not that
 * many to spare), at the broker's pool size, and on one connection alone:
 * the latency of that sequential run is the commit floor, what one durable
 * commit costs on this machine with nothing else queued behind it.
 */
export async function runPgInsertCeiling(ctx: WorkloadContext, databaseUrl: string): Promise<WorkloadResult> {
  const seconds = ctx.sizes.ceilings.insertSeconds;
  // An external server may allow fewer connections than W1 has peers (the broker's pool and ours hold some).
  const [room] = await ctx.sql<{ free: number }[]>`
    select current_setting('max_connections')::int - (select count(*) from pg_stat_activity)::int as free`;
  const usable = Math.max(1, (room?.free ?? BROKER_POOL_SIZE) - CONNECTION_MARGIN);
  const concurrencies = [...new Set([Math.min(ctx.sizes.w1.peers, usable), Math.min(BROKER_POOL_SIZE, usable), 1])];
  await ctx.sql`
    create table if not exists public.bench_insert_ceiling (
      id bigint generated always as identity primary key,
      message_id text not null, mesh_id text not null, sender_member_id text not null,
      recipient_member_id text not null, priority text not null, nonce text not null, ciphertext text not null,
      created_at timestamptz not null default now())`;
  const ciphertext = Buffer.alloc(ctx.sizes.plaintextBytes + 16, 7).toString("base64");
  const nonce = Buffer.alloc(24, 3).toString("base64");
  const runs: { concurrency: number; perSecond: number; latency: LatencySummary }[] = [];
  const rows: ReportRow[] = [];
  const failures: string[] = [];
  try {
    for (const concurrency of concurrencies) {
      const connections = `${concurrency} connection${concurrency === 1 ? "" : "s"}`;
      ctx.progress(`ceiling: single-row insert transactions, ${connections}, ${seconds} s`);
      const sql = postgres(databaseUrl, { max: concurrency, onnotice: () => {} });
      try {
        const latency = new LatencyRecorder();
        await Promise.all(Array.from({ length: concurrency }, () => sql`select 1`));
        const stop = ctx.measure();
        const start = performance.now();
        const deadline = start + seconds * 1000;
        let errors = 0;
        const worker = async (w: number) => {
          while (performance.now() < deadline) {
            const t0 = performance.now();
            try {
              await sql.begin(
                (tx) => tx`
                insert into public.bench_insert_ceiling
                  (message_id, mesh_id, sender_member_id, recipient_member_id, priority, nonce, ciphertext)
                values (${crypto.randomUUID()}, 'bench', ${`s${w}`}, 'r', 'now', ${nonce}, ${ciphertext})`,
              );
              latency.record(performance.now() - t0);
            } catch {
              errors += 1;
            }
          }
        };
        await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
        const elapsed = (performance.now() - start) / 1000;
        const usage = stop();
        const s = latency.summary();
        const perSecond = s.count / elapsed;
        runs.push({ concurrency, perSecond, latency: s });
        if (errors > 0) failures.push(`durability ceiling: ${errors} failed inserts at ${connections}`);
        rows.push(
          { metric: `${connections}: commits/s`, value: formatNumber(perSecond) },
          { metric: `${connections}: latency p50 / p99`, value: `${ms(s.p50)} / ${ms(s.p99)}` },
          {
            metric: `${connections}: Postgres CPU share`,
            value: usage.cpuShare.postgres === undefined ? "n/a" : `${usage.cpuShare.postgres.toFixed(0)} %`,
          },
        );
      } finally {
        await sql.end({ timeout: 2 });
      }
    }
  } finally {
    await ctx.sql`drop table if exists public.bench_insert_ceiling`;
  }
  const best = Math.max(...runs.map((r) => r.perSecond));
  const alone = runs.find((r) => r.concurrency === 1)?.latency;
  // One connection, one BEGIN/INSERT/COMMIT after another: the latency of a durable commit with no queue.
  const commitFloor = alone ? { p50: alone.p50, p99: alone.p99, count: alone.count } : undefined;
  return {
    name: "ceiling-pg",
    table: {
      title: `Durability ceiling — single-row insert transactions through postgres.js, ${seconds} s each`,
      rows: [
        ...rows,
        { metric: "ceiling (best of the above)", value: `${formatNumber(best)} commits/s` },
        ...(commitFloor
          ? [
              {
                metric: "commit floor (1 connection): p50 / p99",
                value: `${ms(commitFloor.p50)} / ${ms(commitFloor.p99)}`,
              },
            ]
          : []),
      ],
    },
    figures: { seconds, runs, best, commitFloor },
    failures,
  };
}
