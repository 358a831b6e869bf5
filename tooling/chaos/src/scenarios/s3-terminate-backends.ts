import type { Sql } from "@mesh/db";
import type { Scenario } from "../scenario.ts";
import { runScene } from "../scene.ts";

/** The broker's `application_name` (apps/broker/src/database/open-database.ts). */
const BROKER_APPLICATION_NAME = "mesh-broker";

/** Terminates every broker connection to this run's database (never another database's brokers). */
async function terminateBrokerBackends(sql: Sql, database: string): Promise<number> {
  const rows = await sql<{ terminated: boolean }[]>`
    select pg_terminate_backend(pid) as terminated from pg_stat_activity
    where application_name = ${BROKER_APPLICATION_NAME} and datname = ${database}`;
  return rows.filter((r) => r.terminated).length;
}

/** `pg_terminate_backend` on every broker connection, twice, in the middle of a stream. */
export const terminateBackends: Scenario = {
  number: 3,
  name: "pg_terminate_backend all",
  run: (ctx) => {
    let terminated = 0;
    return runScene(ctx, {
      number: 3,
      name: "pg_terminate_backend all",
      fault: async (scene) => {
        terminated += await terminateBrokerBackends(ctx.sql, ctx.database.name);
        await Bun.sleep(ctx.sizes.sendsPerSender * ctx.sizes.intervalMs * 0.2);
        terminated += await terminateBrokerBackends(ctx.sql, ctx.database.name);
        scene.notes.push(`${terminated} broker backends terminated`);
      },
      checks: () => [{ name: "broker backends were terminated", ok: terminated > 0, detail: `${terminated}` }],
    });
  },
};
