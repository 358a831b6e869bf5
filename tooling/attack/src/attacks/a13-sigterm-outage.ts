import { createDbClient } from "@mesh/db";
import { addMember, createMesh } from "../../../../apps/broker/test/helpers/mesh-fixtures.ts";
import type { Attack, AttackContext, Check } from "../attack.ts";
import { openSession } from "../net/hello.ts";
import { formatMs } from "../stats.ts";
import type { AttackDatabase } from "../target/attack-target.ts";
import { startPgProxy } from "../target/pg-proxy.ts";

const EXIT_WITHIN_MS = 10_000;
const GOING_AWAY_WITHIN_MS = 2000;
/** Postgres's outage should show in /health within this long (DB_PING_INTERVAL_MS is 500 ms). */
const UNHEALTHY_WITHIN_MS = 6000;

type Outage = "refused" | "blackholed";

/** One broker behind a proxy: the outage, then SIGTERM; how long until the client's close and the exit. */
async function sigtermDuring(
  ctx: AttackContext,
  database: AttackDatabase,
  member: Parameters<typeof openSession>[1],
  outage: Outage,
) {
  const proxy = ctx.resources.hold(await startPgProxy(database.url), (p) => p.close());
  const broker = await ctx.startBroker(database, { DB_PING_INTERVAL_MS: "500" }, proxy.url);
  const session = ctx.resources.hold((await openSession(broker.wsUrl, member)).socket, (s) => s.close());
  if (outage === "refused") proxy.refuse();
  else proxy.blackhole();
  const cutAt = performance.now();
  let health = 200;
  while (performance.now() - cutAt < UNHEALTHY_WITHIN_MS && health !== 503) {
    await Bun.sleep(250);
    health = await broker.health(1000);
  }
  const unhealthyAfter = health === 503 ? performance.now() - cutAt : undefined;
  const signalled = performance.now();
  const grace = ctx.quick ? EXIT_WITHIN_MS + 1000 : 20_000;
  const [exit, close] = await Promise.all([broker.stop("SIGTERM", grace), session.closeWithin(grace)]);
  return {
    outage,
    unhealthyAfter,
    exitMs: exit.ms,
    exitCode: exit.code,
    killed: exit.code === "SIGKILL",
    close: close ? `${close.code}` : "none",
    closeMs: close ? close.at - signalled : undefined,
  };
}

/**
 * SIGTERM while Postgres is away: the shutdown marks presences in Postgres
 * before it exits, so a dead (or silent) database can hold the process past
 * any orchestrator's grace period.
 */
export const sigtermDuringOutage: Attack = {
  number: 13,
  key: "sigterm-outage",
  name: "SIGTERM during a database outage",
  run: async (ctx) => {
    const database = await ctx.openDatabase();
    // A first broker straight on the database migrates it, so the fixtures can be written.
    const migrator = await ctx.startBroker(database, {});
    await migrator.stop("SIGTERM", 10_000);
    const fixtures = ctx.resources.hold(createDbClient(database.url, { max: 2, applicationName: "mesh-attack" }), (c) =>
      c.close(),
    );
    const mesh = await createMesh(fixtures.sql, "outage mesh");
    const member = await addMember(fixtures.sql, mesh, { displayName: "agent" });

    const runs = [];
    for (const outage of ["refused", "blackholed"] as const) {
      ctx.progress(`Postgres ${outage}, then SIGTERM`);
      runs.push(await sigtermDuring(ctx, database, member, outage));
    }
    const checks: Check[] = runs.flatMap((r) => [
      {
        name: `${r.outage}: the broker exits by itself within ${formatMs(EXIT_WITHIN_MS)} of SIGTERM`,
        ok: !r.killed && r.exitMs <= EXIT_WITHIN_MS,
        detail: `${r.killed ? `still running after ${formatMs(r.exitMs)} (SIGKILLed)` : `exit ${r.exitCode} after ${formatMs(r.exitMs)}`}; /health ${r.unhealthyAfter === undefined ? "never turned 503" : `503 after ${formatMs(r.unhealthyAfter)}`} before the signal`,
      },
      {
        name: `${r.outage}: the client sees 1001 within ${formatMs(GOING_AWAY_WITHIN_MS)}`,
        ok: r.close === "1001" && r.closeMs !== undefined && r.closeMs <= GOING_AWAY_WITHIN_MS,
        detail: `close ${r.close}${r.closeMs === undefined ? "" : ` after ${formatMs(r.closeMs)}`}`,
      },
    ]);
    return {
      figure: runs
        .map(
          (r) =>
            `${r.outage}: exit ${r.killed ? `>${formatMs(r.exitMs)}` : formatMs(r.exitMs)}, ${r.closeMs === undefined ? "no close seen by the client" : `client ${r.close} after ${formatMs(r.closeMs)}`}`,
        )
        .join("; "),
      checks,
      notes: [],
    };
  },
};
