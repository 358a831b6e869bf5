import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { addMember, createInvite, createMesh } from "../../../apps/broker/test/helpers/mesh-fixtures.ts";
import { parseArgs, USAGE } from "./args.ts";
import { MAX_MESSAGE_BYTES, startBrokerUnderAttack } from "./broker-under-attack.ts";
import { documentedCodes } from "./documented-codes.ts";
import type { HttpFuzzContext } from "./generators/http-bodies.ts";
import type { WsFuzzContext } from "./generators/ws-frames.ts";
import { runHttpLane } from "./http-attack.ts";
import { randomSeed } from "./prng.ts";
import { type FuzzReport, renderReport } from "./report.ts";
import { FULL_ROUND, generateRound, QUICK_ROUND } from "./round.ts";
import { RssSampler, rssSettled } from "./rss-sampler.ts";
import { runSlowLane } from "./slow-attack.ts";
import { Tally } from "./tally.ts";
import { startVictims } from "./victims.ts";
import { runPreHelloLane, runSessionLane } from "./ws-attack.ts";
import { WsProbe } from "./ws-probe.ts";

const ROUNDS = 2;
const toMb = (bytes: number | undefined) => (bytes ?? 0) / 1024 / 1024;

async function main(): Promise<number> {
  const parsed = parseArgs(process.argv.slice(2));
  if (!parsed.ok) {
    console.error(`${parsed.problem}\n\n${USAGE}`);
    return 2;
  }
  const { args } = parsed;
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const seed = args.seed ?? randomSeed();
  const size = args.quick ? QUICK_ROUND : FULL_ROUND;
  console.log(`fuzz: seed ${seed} (replay with --seed ${seed})${args.quick ? ", quick" : ""}`);
  const started = performance.now();
  const docs = documentedCodes(readFileSync(join(import.meta.dir, "..", "..", "..", "DEPLOY.md"), "utf8"));

  const target = await startBrokerUnderAttack();
  try {
    const { sql } = target.db;
    const mesh = await createMesh(sql, "fuzz mesh");
    const [attacker, peer, other, revoked] = await Promise.all([
      addMember(sql, mesh),
      addMember(sql, mesh),
      addMember(sql, mesh),
      addMember(sql, mesh, { revoked: true }),
    ]);
    const victimMesh = await createMesh(sql, "victim mesh");
    const [sender, receiver] = await Promise.all([addMember(sql, victimMesh), addMember(sql, victimMesh)]);
    const invite = await createInvite(sql, mesh, { maxUses: 1_000_000 });
    const wsCtx: WsFuzzContext = {
      attacker,
      target: peer,
      other,
      revoked,
      foreignMeshId: victimMesh.id,
      maxMessageBytes: MAX_MESSAGE_BYTES,
    };
    const httpCtx: HttpFuzzContext = { invite, maxMessageBytes: MAX_MESSAGE_BYTES };
    const port = target.broker.port;

    const victims = await startVictims(port, sender, receiver, 20);
    await Bun.sleep(args.quick ? 2000 : 4000);
    const rss = new RssSampler(target.rssBytes);
    const rssBefore = rss.sample();

    const silent = await WsProbe.open(port);
    const silentOpened = Date.now();

    victims.setPhase("during");
    rss.start(250);
    const tally = new Tally();
    const rssAfter: (number | undefined)[] = [];
    const lane = { port, docs, tally, replyTimeoutMs: 3000 };
    for (let round = 0; round < ROUNDS; round++) {
      const inputs = generateRound(seed, size);
      await Promise.all([
        runPreHelloLane({ ...lane, ctx: wsCtx }, inputs.preHello),
        runSessionLane({ ...lane, ctx: wsCtx }, inputs.session),
        runHttpLane({ baseUrl: target.broker.baseUrl, ctx: httpCtx, docs, tally, timeoutMs: 10_000 }, inputs.http),
        runSlowLane({ port, docs, tally, stallLimitMs: args.quick ? 12_000 : 15_000 }, inputs.slow),
      ]);
      Bun.gc(true);
      await Bun.sleep(1000);
      rssAfter.push(rss.sample());
      console.log(`round ${round + 1}: ${tally.tried} inputs so far, ${tally.unexpected} unexpected`);
    }
    rss.stop();
    const victimResult = await victims.stop();

    const silentSocket =
      silent.closedAt !== undefined
        ? `closed by the broker after ${((silent.closedAt - silentOpened) / 1000).toFixed(1)} s (code ${silent.closeCode})`
        : `still open after ${((Date.now() - silentOpened) / 1000).toFixed(0)} s (no hello timeout yet)`;
    await silent.close();

    const alive = target.alive();
    const healthAfter = alive ? await target.health() : 0;
    const [afterRound1 = 0, afterRound2 = 0] = rssAfter.map(toMb);
    const settled = rssSettled(afterRound1 * 1024 * 1024, afterRound2 * 1024 * 1024);
    const brokerErrorLogs = target.broker.logs
      .filter((l) => typeof l.level === "number" && l.level >= 50)
      .map((l) => JSON.stringify(l).slice(0, 300));
    const report: FuzzReport = {
      seed,
      mode: args.quick ? "quick" : "full",
      rounds: ROUNDS,
      wallSeconds: (performance.now() - started) / 1000,
      classes: Object.fromEntries(tally.byClass),
      tried: tally.tried,
      unexpected: tally.unexpected,
      crashes: alive ? 0 : 1,
      healthAfter,
      brokerErrorLogs,
      victims: victimResult,
      rssMb: { before: toMb(rssBefore), duringPeak: toMb(rss.peakBytes), afterRound1, afterRound2, settled },
      silentSocket,
      pass: false,
    };
    report.pass =
      report.crashes === 0 &&
      report.unexpected === 0 &&
      healthAfter === 200 &&
      settled &&
      victimResult.delivered === victimResult.sent &&
      victimResult.troubles.length === 0;
    console.log(renderReport(report));
    if (args.out) writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);
    return report.pass ? 0 : 1;
  } finally {
    await target.stop();
  }
}

process.exitCode = await main();
