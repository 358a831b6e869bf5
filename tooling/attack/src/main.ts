import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { stopTestServer } from "@mesh/db/testing";
import { argsOrExit, harnessEnv, progressWriter } from "@mesh/harness";
import { parseArgs, USAGE } from "./args.ts";
import { type Attack, type AttackContext, type AttackOutcome, type AttackResult, verdictOf } from "./attack.ts";
import { ATTACKS } from "./attacks/index.ts";
import { formatDetails, formatMarkdown, formatTable } from "./report.ts";
import { FULL_SIZES, QUICK_SIZES } from "./sizes.ts";
import { type BrokerUnderAttack, openAttackDatabase, openTarget, startBrokerChild } from "./target/attack-target.ts";
import { Resources } from "./target/resources.ts";

const isAttack = (word: string) => (a: Attack) => String(a.number) === word || a.key === word;
const attackList = ATTACKS.map((a) => `  ${String(a.number).padStart(2)}  ${a.key.padEnd(20)} ${a.name}`).join("\n");
const args = argsOrExit(
  parseArgs(process.argv.slice(2), (word) => ATTACKS.some(isAttack(word))),
  `${USAGE}\nattacks (--only takes the number or the key):\n${attackList}\n`,
);
const chosen = args.only ? ATTACKS.filter((a) => [...(args.only ?? [])].some((w) => isAttack(w)(a))) : ATTACKS;
const progress = progressWriter("attack");
const startedAt = performance.now();
const results: AttackResult[] = [];

/** Runs one attack with resources of its own, released whatever happens. */
async function runAttack(attack: Attack): Promise<AttackResult> {
  const resources = new Resources();
  const brokers: BrokerUnderAttack[] = [];
  const track = <T extends BrokerUnderAttack>(broker: T): T => {
    brokers.push(broker);
    return broker;
  };
  const ctx: AttackContext = {
    quick: args.quick,
    sizes: args.quick ? QUICK_SIZES : FULL_SIZES,
    openTarget: async (env) => track(await openTarget(resources, args.brokerLogLevel, env)),
    openDatabase: () => openAttackDatabase(resources),
    startBroker: async (database, env, databaseUrl) =>
      track(await startBrokerChild(resources, args.brokerLogLevel, database, env, databaseUrl)),
    resources,
    progress: (line) => progress(`${attack.number} ${line}`),
  };
  const started = performance.now();
  let outcome: AttackOutcome;
  let failed = false;
  try {
    outcome = await attack.run(ctx);
  } catch (e: unknown) {
    failed = true;
    const message = e instanceof Error ? e.message : String(e);
    outcome = {
      figure: `harness error: ${message.slice(0, 120)}`,
      checks: [],
      notes: [String(e instanceof Error ? e.stack : e)],
    };
  } finally {
    await resources.releaseAll(ctx.progress);
  }
  return {
    number: attack.number,
    key: attack.key,
    name: attack.name,
    ...outcome,
    verdict: failed ? "error" : verdictOf(outcome.checks),
    seconds: (performance.now() - started) / 1000,
    brokerErrors: brokers.flatMap((b) => b.errors),
  };
}

try {
  progress(
    `database: ${harnessEnv.databaseUrl ? "DATABASE_URL's server (a database per attack)" : "embedded Postgres"}`,
  );
  for (const attack of chosen) {
    progress(`${attack.number} ${attack.name}`);
    const result = await runAttack(attack);
    results.push(result);
    progress(`${attack.number} ${result.verdict}: ${result.figure} (${result.seconds.toFixed(1)} s)`);
  }
} finally {
  await stopTestServer().catch((e: unknown) => progress(`stopping Postgres failed: ${String(e)}`));
}

const seconds = (performance.now() - startedAt) / 1000;
process.stdout.write(`\n${formatTable(results)}\n\n${formatDetails(results)}\n\nwall time ${seconds.toFixed(1)} s\n`);
if (args.markdown) process.stdout.write(`\n${formatMarkdown(results)}\n`);
if (args.out) {
  writeFileSync(resolve(args.out), `${JSON.stringify({ quick: args.quick, seconds, results }, null, 2)}\n`);
}
process.exit(results.some((r) => r.verdict !== "defended") ? 1 : 0);
