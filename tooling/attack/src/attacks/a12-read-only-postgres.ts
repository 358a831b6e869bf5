import { addMember, createMesh } from "../../../../apps/broker/test/helpers/mesh-fixtures.ts";
import type { Attack } from "../attack.ts";
import { openSession } from "../net/hello.ts";
import { formatTally, sendBurst, sendFrame } from "../net/sends.ts";
import { formatMs } from "../stats.ts";
import { terminateBrokerBackends } from "../target/broker-backends.ts";

const HEALTH_WITHIN_MS = 5000;
const PROBE_SENDS = 5;

/**
 * Postgres answers but refuses every write (a failover that left the old
 * primary read-only, a disk-full guard): `select 1` still succeeds, so
 * /health says 200 while every send fails with an internal error.
 */
export const readOnlyPostgres: Attack = {
  number: 12,
  key: "read-only",
  name: "read-only Postgres",
  run: async (ctx) => {
    const target = await ctx.openTarget({ DB_PING_INTERVAL_MS: "500" });
    const mesh = await createMesh(target.sql, "read-only mesh");
    const [from, to] = await Promise.all([addMember(target.sql, mesh), addMember(target.sql, mesh)]);
    const sender = ctx.resources.hold((await openSession(target.wsUrl, from)).socket, (s) => s.close());
    ctx.resources.hold((await openSession(target.wsUrl, to)).socket, (s) => s.close());
    const before = await sendBurst(sender, [sendFrame(to.keys.publicKey, "before", "now")], 10_000);

    const name = target.database.name;
    await target.sql.unsafe(`alter database "${name}" set default_transaction_read_only = on`);
    ctx.resources.hold(name, (n) => target.sql.unsafe(`alter database "${n}" reset default_transaction_read_only`));
    const terminated = await terminateBrokerBackends(target.sql, name);
    const cutAt = performance.now();
    let unhealthyAfter: number | undefined;
    let lastHealth = 0;
    while (performance.now() - cutAt < HEALTH_WITHIN_MS) {
      lastHealth = await target.health(2000);
      if (lastHealth === 503) {
        unhealthyAfter = performance.now() - cutAt;
        break;
      }
      await Bun.sleep(250);
    }
    const during = await sendBurst(
      sender,
      Array.from({ length: PROBE_SENDS }, (_, i) => sendFrame(to.keys.publicKey, `read-only-${i}`, "now")),
      15_000,
    );
    const falseAcks = during.ack ?? 0;
    const internal = during.internal ?? 0;
    const unanswered = during.unanswered ?? 0;
    return {
      figure: `/health ${unhealthyAfter === undefined ? `still ${lastHealth}` : `503 after ${formatMs(unhealthyAfter)}`}; sends: ${formatTally(during)}`,
      checks: [
        {
          name: `/health turns 503 within ${formatMs(HEALTH_WITHIN_MS)} while Postgres refuses writes`,
          ok: unhealthyAfter !== undefined,
          detail: unhealthyAfter === undefined ? `last answer ${lastHealth}` : `503 after ${formatMs(unhealthyAfter)}`,
        },
        {
          name: "sends are refused as unavailable (db_unavailable), never internal, never acked",
          ok: falseAcks === 0 && internal === 0 && unanswered === 0,
          detail: formatTally(during),
        },
      ],
      notes: [`before: ${formatTally(before)}; ${terminated} broker connections terminated`],
    };
  },
};
