import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { MAC_BYTES } from "../envelope.ts";
import { usageRows } from "../figures-rows.ts";
import { LatencyRecorder } from "../histogram.ts";
import { formatNumber, ms } from "../report.ts";
import type { WorkloadContext, WorkloadResult } from "../workload.ts";

/** Envelopes per batch: each is one envelope row, one queue row naming it, then that row marked delivered. */
const BATCH = 256;
/** Connections writing at once: the broker's two send lanes. */
const CONNECTIONS = 2;
/** Senders and recipients the rows are spread over, as W1's peers. */
const MEMBERS = 100;

/**
 * Row-write floor: the Postgres work the broker's rows cost with nothing
 * else around them. Scratch copies of `mesh.envelope` and
 * `mesh.message_queue` (`like … including all`: same columns, defaults,
 * identity, indexes and checks; the broker has migrated the bench database
 * by the time ceilings run) take, on two connections at once, one
 * statement inserting a batch of envelope rows and a queue row naming each
 * (one commit), then one update marking those queue rows delivered by id
 * (one commit, as `client_ack` does). The figure is Postgres CPU per
 * message: what no change in the broker's statements can go below without
 * changing the rows.
 */
export async function runPgRowsCeiling(ctx: WorkloadContext, databaseUrl: string): Promise<WorkloadResult> {
  const seconds = ctx.sizes.ceilings.rowsSeconds;
  // W1's envelope: its ciphertext (plaintext + MAC) and a nonce, base64 as the broker stores them.
  const ciphertext = Buffer.alloc(ctx.sizes.plaintextBytes + MAC_BYTES, 7).toString("base64");
  const nonce = Buffer.alloc(24, 3).toString("base64");
  await ctx.sql`drop table if exists public.bench_floor_queue, public.bench_floor_envelope`;
  await ctx.sql`create table public.bench_floor_envelope (like mesh.envelope including all)`;
  await ctx.sql`create table public.bench_floor_queue (like mesh.message_queue including all)`;
  const failures: string[] = [];
  const sql = postgres(databaseUrl, { max: CONNECTIONS, onnotice: () => {} });
  try {
    ctx.progress(
      `ceiling: row-write floor, ${BATCH}-envelope batches (insert, then mark delivered) on ${CONNECTIONS} connections, ${seconds} s`,
    );
    await Promise.all(Array.from({ length: CONNECTIONS }, () => sql`select 1`));
    const latency = new LatencyRecorder();
    let messages = 0;
    let errors = 0;
    let firstError: string | undefined;
    const stop = ctx.measure();
    const start = performance.now();
    const deadline = start + seconds * 1000;
    const worker = async () => {
      while (performance.now() < deadline) {
        const messageIds = Array.from({ length: BATCH }, () => randomUUID());
        const clientIds = Array.from({ length: BATCH }, () => randomUUID());
        const senders = Array.from({ length: BATCH }, () => `s${Math.floor(Math.random() * MEMBERS)}`);
        const recipients = Array.from({ length: BATCH }, () => `r${Math.floor(Math.random() * MEMBERS)}`);
        const t0 = performance.now();
        try {
          const queued = await sql<{ id: string }[]>`
            with u as (
              select * from unnest(${messageIds}::text[], ${clientIds}::text[], ${senders}::text[],
                                   ${recipients}::text[]) with ordinality as u(message_id, client_id, sender, recipient, ord)
            ), bodies as (
              insert into public.bench_floor_envelope
                (message_id, mesh_id, sender_member_id, target_spec, nonce, ciphertext, client_id, keep_until)
              select u.message_id, 'bench', u.sender, u.recipient, ${nonce}, ${ciphertext}, u.client_id,
                     now() + interval '1 hour'
              from u order by u.ord
              returning id, message_id, sender_member_id, target_spec
            )
            insert into public.bench_floor_queue
              (message_id, mesh_id, sender_member_id, recipient_member_id, envelope_id, priority, expires_at)
            select b.message_id, 'bench', b.sender_member_id, b.target_spec, b.id, 'now', now() + interval '1 hour'
            from bodies b order by b.id
            returning id::text as id`;
          await sql`
            update public.bench_floor_queue set delivered_at = now()
            where id = any(${queued.map((r) => r.id)}::bigint[])`;
          latency.record(performance.now() - t0);
          messages += queued.length;
        } catch (e: unknown) {
          errors += 1;
          firstError ??= e instanceof Error ? e.message : String(e);
        }
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, () => worker()));
    const elapsed = (performance.now() - start) / 1000;
    const usage = stop();
    if (errors > 0) failures.push(`row-write floor: ${errors} failed batches (${firstError})`);
    const msgsPerSecond = messages / elapsed;
    const postgresCpu = usage.cpuSeconds.postgres;
    const postgresMicrosPerMessage =
      postgresCpu === undefined || messages === 0 ? undefined : (postgresCpu * 1e6) / messages;
    const s = latency.summary();
    return {
      name: "ceiling-pg-rows",
      table: {
        title: `Row-write floor — the broker's envelope and queue rows, ${BATCH} per statement, then marked delivered, ${CONNECTIONS} connections, ${seconds} s`,
        rows: [
          { metric: "messages/s (rows written and marked delivered)", value: formatNumber(msgsPerSecond) },
          {
            metric: "Postgres CPU per message",
            value: postgresMicrosPerMessage === undefined ? "n/a" : `${postgresMicrosPerMessage.toFixed(1)} µs`,
          },
          { metric: "batch (insert + update) latency p50 / p99", value: `${ms(s.p50)} / ${ms(s.p99)}` },
          ...usageRows(usage).slice(1),
        ],
      },
      figures: {
        seconds,
        batch: BATCH,
        connections: CONNECTIONS,
        messages,
        msgsPerSecond,
        postgresMicrosPerMessage,
        batchLatency: s,
        usage,
      },
      failures,
    };
  } finally {
    await sql.end({ timeout: 2 });
    await ctx.sql`drop table if exists public.bench_floor_queue, public.bench_floor_envelope`;
  }
}
