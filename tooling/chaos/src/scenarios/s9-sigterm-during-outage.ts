import { startPostgresBlackhole } from "../cluster/postgres-blackhole.ts";
import type { Check, Scenario, ScenarioContext, ScenarioResult } from "../scenario.ts";
import { runScene, type Scene, until } from "../scene.ts";

/** DEPLOY.md: "allow at least 10 s before SIGKILL". */
export const STOP_BUDGET_MS = 10_000;
/** Sessions are closed once the sweepers stopped, and a sweeper waits at most 1 s for a run stuck on the database. */
export const GOING_AWAY_WITHIN_MS = 3_000;
/** How long the broker gets to notice the outage (its DB ping) before the signal. */
const NOTICE_TIMEOUT_MS = 15_000;
/** After /health turned 503: long enough for every sweeper to start a run that hangs on the silent database. */
const STUCK_SWEEPS_MS = 2_500;

/** What a stop looked like from outside: the exit, and each connected client's close. */
export interface OutageStop {
  /** Exit code, or the signal that ended the process (SIGKILL after the harness's own grace). */
  exit: number | string;
  exitMs: number;
  /** One per client connected at the signal; `undefined` when it saw no close before the exit. */
  closes: ({ code: number; ms: number } | undefined)[];
}

/** The scenario's verdict on one stop: exit 0 within the budget, every session closed with 1001 promptly and first. */
export function judgeOutageStop(stop: OutageStop): Check[] {
  const closes = stop.closes.filter((c) => c !== undefined);
  const codes = [...new Set(closes.map((c) => c.code))];
  const lastClose = closes.length > 0 ? Math.max(...closes.map((c) => c.ms)) : Number.POSITIVE_INFINITY;
  const missing = stop.closes.length - closes.length;
  return [
    {
      name: "SIGTERM during a Postgres outage exits 0 within the 10 s DEPLOY.md allows",
      ok: stop.exit === 0 && stop.exitMs < STOP_BUDGET_MS,
      detail: `exit ${stop.exit} after ${Math.round(stop.exitMs)} ms`,
    },
    {
      name: "every session saw 1001 promptly, before the exit",
      ok:
        stop.closes.length > 0 &&
        missing === 0 &&
        codes.length === 1 &&
        codes[0] === 1001 &&
        lastClose < GOING_AWAY_WITHIN_MS &&
        lastClose <= stop.exitMs,
      detail:
        missing > 0
          ? `${missing} of ${stop.closes.length} sessions saw no close`
          : `codes ${codes.join(", ") || "none"}, the last after ${Math.round(lastClose)} ms`,
    },
  ];
}

/**
 * Postgres vanishes under a running broker (every connection to it goes
 * silent, new ones hang until the driver's connect timeout), then SIGTERM:
 * the stop must not wait on sweeps stuck on the database. The broker then
 * restarts on the restored database and the stream must converge.
 */
export const sigtermDuringOutage: Scenario = {
  number: 9,
  name: "Postgres gone, then SIGTERM",
  run: async (ctx) => {
    const blackhole = await startPostgresBlackhole(ctx.database.url);
    const relayed: ScenarioContext = {
      ...ctx,
      brokerSettings: (name) => ({ ...ctx.brokerSettings(name), databaseUrl: blackhole.url }),
    };
    let stop: OutageStop | undefined;
    let result: ScenarioResult;
    try {
      result = await runScene(relayed, {
        number: 9,
        name: "Postgres gone, then SIGTERM",
        fault: async (scene) => {
          blackhole.cut();
          const cutAt = performance.now();
          const noticed = await until(() => healthIs(scene, 503), NOTICE_TIMEOUT_MS);
          scene.notes.push(
            noticed
              ? `/health 503 ${Math.round(performance.now() - cutAt)} ms after Postgres went silent`
              : `/health still not 503 ${NOTICE_TIMEOUT_MS} ms after Postgres went silent`,
          );
          await Bun.sleep(STUCK_SWEEPS_MS);
          stop = await sigtermAndWatch(scene);
          const closed = stop.closes.filter((c) => c !== undefined).map((c) => Math.round(c.ms));
          scene.notes.push(
            `SIGTERM to exit during the outage: ${Math.round(stop.exitMs)} ms (exit ${stop.exit}); ` +
              `sessions closed after ${closed.length > 0 ? `${Math.min(...closed)}-${Math.max(...closed)} ms` : "never"}`,
          );
          blackhole.restore();
          await scene.broker.start();
        },
        checks: () =>
          stop
            ? judgeOutageStop(stop)
            : [{ name: "SIGTERM during a Postgres outage", ok: false, detail: "the fault never ran" }],
      });
    } finally {
      await blackhole.close();
    }
    return result;
  },
};

async function healthIs(scene: Scene, status: number): Promise<boolean> {
  const url = scene.broker.wsUrl.replace(/^ws:/, "http:").replace(/\/ws$/, "/health");
  return fetch(url).then(
    (r) => r.status === status,
    () => false,
  );
}

/** Sends SIGTERM and times the exit and each client's first close after it. */
async function sigtermAndWatch(scene: Scene): Promise<OutageStop> {
  const connected = scene.clients.filter((c) => c.session !== undefined);
  const signalled = performance.now();
  const closes: OutageStop["closes"] = connected.map(() => undefined);
  const unsubscribe = connected.map((client, i) =>
    client.on("disconnected", (close) => {
      closes[i] ??= { code: close.code, ms: performance.now() - signalled };
    }),
  );
  const exit = await scene.broker.kill("SIGTERM");
  const exitMs = performance.now() - signalled;
  for (const off of unsubscribe) off();
  return { exit, exitMs, closes };
}
