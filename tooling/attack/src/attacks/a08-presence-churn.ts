import type { Sql } from "@mesh/db";
import { addMember, createMesh } from "../../../../apps/broker/test/helpers/mesh-fixtures.ts";
import type { Attack } from "../attack.ts";
import { sayHello } from "../net/hello.ts";
import { bucketAllowance } from "../stats.ts";
import { startVictimPair } from "../victims.ts";

const HELLOS_PER_MIN = 30;
/** How long the retention sweep (every 500 ms here) gets to delete aged presences. */
const RETIRED_WITHIN_MS = 3000;
/** Loops of hello/close running at once. */
const LOOPS = 2;

async function presenceRows(sql: Sql, memberId: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from mesh.presence where member_id = ${memberId}`;
  return row?.n ?? 0;
}

/**
 * One member says hello and closes in a loop: every hello leaves a presence
 * row behind, and nothing limits how fast or removes them later.
 */
export const presenceChurn: Attack = {
  number: 8,
  key: "presence-churn",
  name: "presence churn",
  run: async (ctx) => {
    const target = await ctx.openTarget({
      HELLO_RATE_LIMIT_PER_MIN: String(HELLOS_PER_MIN),
      PRESENCE_RETENTION_HOURS: "1",
      SWEEP_INTERVAL_MS: "500",
    });
    const mesh = await createMesh(target.sql, "churn mesh");
    const churner = await addMember(target.sql, mesh, { displayName: "churner" });
    const victims = await startVictimPair(target, ctx.sizes.victimBaselineMs);
    const rowsBefore = await presenceRows(target.sql, churner.id);

    victims.during();
    const refusals: Record<string, number> = {};
    let admitted = 0;
    const started = performance.now();
    const until = started + ctx.sizes.churnSeconds * 1000;
    await Promise.all(
      Array.from({ length: LOOPS }, async () => {
        while (performance.now() < until) {
          const outcome = await sayHello(target.wsUrl, churner);
          if (outcome.admitted) admitted += 1;
          else refusals[outcome.code ?? "none"] = (refusals[outcome.code ?? "none"] ?? 0) + 1;
          await outcome.socket.close();
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const victim = await victims.stop();
    // The close path marks presences disconnected in batches: give it a moment.
    await Bun.sleep(1000);
    const rowsAdded = (await presenceRows(target.sql, churner.id)) - rowsBefore;

    const aged = await target.sql`
      update mesh.presence set disconnected_at = disconnected_at - interval '2 hours', connected_at = connected_at - interval '2 hours'
      where member_id = ${churner.id} and disconnected_at is not null`;
    const deadline = performance.now() + RETIRED_WITHIN_MS;
    let left = await presenceRows(target.sql, churner.id);
    while (left > 0 && performance.now() < deadline) {
      await Bun.sleep(250);
      left = await presenceRows(target.sql, churner.id);
    }

    const allowance = bucketAllowance(HELLOS_PER_MIN / 60, seconds, 120);
    return {
      figure: `${(admitted / seconds).toFixed(0)} hellos/s admitted, ${(rowsAdded / seconds).toFixed(0)} presence rows/s; ${left} of ${aged.count} rows aged 2 h left`,
      checks: [
        {
          name: `HELLO_RATE_LIMIT_PER_MIN (${HELLOS_PER_MIN}) bounds one member's hellos`,
          ok: admitted <= allowance,
          detail: `${admitted} admitted in ${seconds.toFixed(1)} s (allowance ${allowance}); refused: ${JSON.stringify(refusals)}`,
        },
        {
          name: "presences that ended over PRESENCE_RETENTION_HOURS ago are deleted",
          ok: aged.count > 0 && left === 0,
          detail: `${left} of ${aged.count} left ${RETIRED_WITHIN_MS / 1000} s after aging them 2 h`,
        },
      ],
      notes: [`${rowsAdded} presence rows added in ${seconds.toFixed(1)} s`],
      victim,
    };
  },
};
