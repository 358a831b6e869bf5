import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { createDbClient, type DbClient } from "@mesh/db";
import { argsOrExit, harnessEnv, progressWriter } from "@mesh/harness";
import { parseArgs, type Step, USAGE } from "./args.ts";
import { type BenchDatabase, openBenchDatabase } from "./bench-database.ts";
import { type BrokerUnderTest, startBrokerUnderTest, stoppedBrokerFailures } from "./broker-under-test.ts";
import { runPgInsertCeiling } from "./ceilings/pg-insert.ts";
import { runPgRowsCeiling } from "./ceilings/pg-rows.ts";
import { runWsRelayCeiling } from "./ceilings/ws-relay.ts";
import { closeAllLoadClients, openLoadClients } from "./load-client.ts";
import { formatTable } from "./report.ts";
import { startUsage } from "./resource-usage.ts";
import { FULL_SIZES, QUICK_SIZES } from "./sizes.ts";
import { statementStatsTable } from "./statement-stats.ts";
import { ceilingTable, issue18Table, targetsTable } from "./summary.ts";
import type { WorkloadContext, WorkloadResult } from "./workload.ts";
import { runPeers } from "./workloads/peers.ts";
import { runW1Direct } from "./workloads/w1-direct.ts";
import { runW2FixedRate } from "./workloads/w2-fixed-rate.ts";
import { runW3Broadcast } from "./workloads/w3-broadcast.ts";
import { runW4HeldRelease } from "./workloads/w4-held-release.ts";
import { runW5IdleSessions } from "./workloads/w5-idle-sessions.ts";
import { runW6Hooks } from "./workloads/w6-hooks.ts";
import { runW7Instances } from "./workloads/w7-instances.ts";

const args = argsOrExit(parseArgs(process.argv.slice(2)), USAGE);

const runners: Record<Step, (ctx: WorkloadContext, databaseUrl: string) => Promise<WorkloadResult[]>> = {
  W1: async (ctx) => [await runW1Direct(ctx)],
  W2: async (ctx) => [await runW2FixedRate(ctx)],
  W3: async (ctx) => [await runW3Broadcast(ctx)],
  W4: async (ctx) => [await runW4HeldRelease(ctx)],
  W5: async (ctx) => [await runW5IdleSessions(ctx)],
  W6: async (ctx) => [await runW6Hooks(ctx)],
  W7: runW7Instances,
  ceilings: async (ctx, url) => {
    const transport = await runWsRelayCeiling(ctx, cores);
    const results = [transport];
    const databaseCeilings: [string, () => Promise<WorkloadResult>][] = [
      ["durability ceiling", () => runPgInsertCeiling(ctx, url)],
      ["row-write floor", () => runPgRowsCeiling(ctx, url)],
    ];
    for (const [what, run] of databaseCeilings) {
      try {
        results.push(await run());
      } catch (e: unknown) {
        transport.failures.push(`${what}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return results;
  },
  peers: runPeers,
};

const progress = progressWriter("bench");
const startedAt = performance.now();
const sizes = args.quick ? QUICK_SIZES : FULL_SIZES;
const cores = availableParallelism();
const results: WorkloadResult[] = [];
const failures: string[] = [];
let database: BenchDatabase | undefined;
let broker: BrokerUnderTest | undefined;
let fixtures: DbClient | undefined;

try {
  progress(`database: ${harnessEnv.databaseUrl ? "DATABASE_URL's server (a fresh database)" : "embedded Postgres"}`);
  database = await openBenchDatabase(harnessEnv.databaseUrl, { statementStats: args.statementStats });
  progress(`postgres ${database.serverVersion}: ${database.durability}`);
  broker = await startBrokerUnderTest({
    databaseUrl: database.url,
    extraEnv: args.brokerEnv,
    cpuProfDir: args.brokerCpuProfDir,
  });
  progress(`broker pid ${broker.pid} on port ${broker.port}`);
  fixtures = createDbClient(database.url, { max: 4, applicationName: "mesh-bench-fixtures" });
  const running = broker;
  const url = database.url;
  const postmasterPid = database.postmasterPid;
  const ctx: WorkloadContext = {
    sql: fixtures.sql,
    broker: running,
    sizes,
    progress,
    postmasterPid,
    measure: () => startUsage({ brokerPids: [running.pid], postmasterPid }, cores),
    measureFor: (brokerPids) => startUsage({ brokerPids, postmasterPid }, cores),
    startBroker: () =>
      startBrokerUnderTest({ databaseUrl: url, extraEnv: args.brokerEnv, cpuProfDir: args.brokerCpuProfDir }),
  };
  for (const step of args.only) {
    const run = runners[step];
    if (running.exited()) throw new Error("the broker exited during the run");
    const t0 = performance.now();
    try {
      for (const result of await run(ctx, database.url)) {
        results.push(result);
        failures.push(...result.failures);
        process.stdout.write(`\n${formatTable(result.table)}\n`);
      }
      progress(`${step} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } catch (e: unknown) {
      failures.push(`${step}: ${e instanceof Error ? e.message : String(e)}`);
      progress(`${step} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    // The next workload starts on a broker that has finished this one's work (closes, acks, drains).
    const settleMs = await running.settle(60_000).catch((e: unknown) => {
      failures.push(`${step}: ${e instanceof Error ? e.message : String(e)}`);
      return Number.NaN;
    });
    if (!(settleMs < 1000)) progress(`${step}: broker healthy again after ${settleMs.toFixed(0)} ms`);
    const leaked = openLoadClients();
    if (leaked > 0) {
      failures.push(`${step}: left ${leaked} sockets open`);
      await closeAllLoadClients();
    }
  }
  if (args.statementStats && database.kind === "embedded") {
    process.stdout.write(`\n${formatTable(await statementStatsTable(fixtures.sql))}\n`);
  }
} catch (e: unknown) {
  failures.push(`harness: ${e instanceof Error ? e.message : String(e)}`);
} finally {
  await closeAllLoadClients();
  await fixtures?.close().catch(() => undefined);
  if (broker) failures.push(...stoppedBrokerFailures("broker", await broker.stop(), broker.problems));
  await database?.stop().catch((e: unknown) => failures.push(`stopping the database: ${String(e)}`));
}

const ceilings = ceilingTable(results);
if (ceilings) process.stdout.write(`\n${formatTable(ceilings)}\n`);
process.stdout.write(`\n${formatTable(targetsTable(results, args.quick))}\n`);
process.stdout.write(`\n${formatTable(issue18Table(results, { quick: args.quick, cores }))}\n`);
if (database) {
  process.stdout.write(
    `\nPostgres ${database.serverVersion} (${database.kind}): ${database.durability}; ${cores} cores shared by broker, Postgres and load generator\n`,
  );
}
const wallSeconds = (performance.now() - startedAt) / 1000;
const out = resolve(args.out);
writeFileSync(
  out,
  `${JSON.stringify(
    {
      at: new Date().toISOString(),
      quick: args.quick,
      cores,
      database: database
        ? { kind: database.kind, version: database.serverVersion, durability: database.durability }
        : null,
      brokerEnv: args.brokerEnv,
      wallSeconds,
      results: results.map((r) => ({ name: r.name, figures: r.figures })),
      brokerWarnings: broker?.problems.map((p) => p.line) ?? [],
      failures,
    },
    null,
    2,
  )}\n`,
);
process.stdout.write(`\nbench wall time ${wallSeconds.toFixed(1)} s; results in ${args.out}\n`);
if (failures.length > 0) {
  process.stderr.write(`harness failures:\n${failures.map((f) => `  - ${f}`).join("\n")}\n`);
  process.exit(1);
}
