import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createDbClient, type DbClient, runMigrations } from "@mesh/db";
import { argsOrExit, harnessEnv, progressWriter } from "@mesh/harness";
import { parseArgs, USAGE } from "./args.ts";
import { type ChaosDatabase, openChaosDatabase } from "./cluster/postgres-server.ts";
import { formatDetails, formatTable } from "./report.ts";
import { FULL_SIZES, QUICK_SIZES, type Scenario, type ScenarioContext, type ScenarioResult } from "./scenario.ts";
import {
  brokerKill,
  diesBeforeAck,
  instanceKill,
  postgresRestart,
  retryEverySend,
  sigtermDuringOutage,
  sigtermRestart,
  slowConsumer,
  terminateBackends,
} from "./scenarios/index.ts";

const SCENARIOS: readonly Scenario[] = [
  brokerKill,
  postgresRestart,
  terminateBackends,
  diesBeforeAck,
  retryEverySend,
  slowConsumer,
  sigtermRestart,
  instanceKill,
  sigtermDuringOutage,
];

/**
 * Broker settings for every scenario: pings every 2 s (so a dead instance's
 * presences are reaped after 6 s instead of 90) and sweeps every 2 s. Both
 * are documented knobs; the 30 s lease stays as shipped.
 */
const BROKER_ENV = { WS_PING_INTERVAL_MS: "2000", SWEEP_INTERVAL_MS: "2000" };

const args = argsOrExit(parseArgs(process.argv.slice(2)), USAGE);
const progress = progressWriter("chaos");
const startedAt = performance.now();
const results: ScenarioResult[] = [];
let database: ChaosDatabase | undefined;
let fixtures: DbClient | undefined;
let fatal: unknown;

try {
  progress(`database: ${harnessEnv.databaseUrl ? "DATABASE_URL's server (a fresh database)" : "embedded Postgres"}`);
  database = await openChaosDatabase(harnessEnv.databaseUrl);
  fixtures = createDbClient(database.url, { max: 4, applicationName: "mesh-chaos" });
  await runMigrations(fixtures.sql);
  const logDir = args.brokerLogs ? resolve(args.brokerLogs) : undefined;
  if (logDir) mkdirSync(logDir, { recursive: true });
  const openDb = database;
  const ctx: ScenarioContext = {
    sizes: args.quick ? QUICK_SIZES : FULL_SIZES,
    database: openDb,
    sql: fixtures.sql,
    brokerSettings: (name) => ({
      databaseUrl: openDb.url,
      logLevel: args.brokerLogLevel,
      env: BROKER_ENV,
      logFile: logDir ? join(logDir, `${name}.log`) : undefined,
    }),
    progress,
  };
  for (const scenario of SCENARIOS) {
    if (!args.only.has(scenario.number)) continue;
    progress(`${scenario.number} ${scenario.name}`);
    const result = await scenario.run(ctx);
    results.push(result);
    progress(`${scenario.number} ${result.verdict} in ${result.seconds.toFixed(1)} s`);
    if (result.verdict === "FAIL") progress(`diagnostics: ${JSON.stringify(result.diagnostics).slice(0, 4000)}`);
  }
} catch (e: unknown) {
  fatal = e;
} finally {
  await fixtures?.close().catch(() => undefined);
  await database?.close().catch((e: unknown) => progress(`cleanup failed: ${String(e)}`));
}

const seconds = (performance.now() - startedAt) / 1000;
process.stdout.write(`\n${formatTable(results)}\n\n${formatDetails(results)}\n\nwall time ${seconds.toFixed(1)} s\n`);
if (args.out) {
  writeFileSync(
    resolve(args.out),
    `${JSON.stringify({ quick: args.quick, seconds, results, error: fatal ? String(fatal) : undefined }, null, 2)}\n`,
  );
}
if (fatal) {
  process.stderr.write(`chaos: ${fatal instanceof Error ? (fatal.stack ?? fatal.message) : String(fatal)}\n`);
  process.exit(1);
}
process.exit(results.some((r) => r.verdict === "FAIL") ? 1 : 0);
