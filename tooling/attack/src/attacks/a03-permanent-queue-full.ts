import type { Sql } from "@mesh/db";
import { addMember, createMesh } from "../../../../apps/broker/test/helpers/mesh-fixtures.ts";
import type { Attack } from "../attack.ts";
import type { AttackSocket } from "../net/attack-socket.ts";
import { openSession } from "../net/hello.ts";
import { answerOf, formatTally, type SendTally, sendBurst, sendFrame, undeliveredRows } from "../net/sends.ts";

const QUEUE_CAP = 100;
const MEMBER_CAP = 40;
/** Sends the flooder tries, in chunks whose answers it waits for (so even a racy cap stops it near the cap). */
const FLOOD_SENDS = 160;
const FLOOD_CHUNK = 20;
/** How long the pair keeps retrying once the flood was aged past UNDELIVERED_MAX_AGE_HOURS. */
const RETRY_AFTER_AGING_MS = 4000;

/** The rows of `recipient` made two hours older: past UNDELIVERED_MAX_AGE_HOURS=1, however the broker reads age. */
async function ageRows(sql: Sql, meshId: string, recipientId: string): Promise<number> {
  const aged = await sql`
    update mesh.message_queue
    set created_at = created_at - interval '2 hours', expires_at = expires_at - interval '2 hours'
    where mesh_id = ${meshId} and recipient_member_id = ${recipientId} and delivered_at is null`;
  return aged.count;
}

let attempt = 0;
/** One send of the online pair: `ack` or the refusal's code. */
function pairSend(from: AttackSocket, toKey: string): Promise<string> {
  attempt += 1;
  const id = `pair-${attempt}`;
  from.send(sendFrame(toKey, id, "now"));
  return answerOf(from, id, 10_000);
}

/**
 * One member fills the mesh's queue with envelopes for a member who never
 * comes online: without an age limit or a per-member cap, every other pair
 * of the mesh gets queue_full for good.
 */
export const permanentQueueFull: Attack = {
  number: 3,
  key: "queue-full",
  name: "permanent queue_full",
  run: async (ctx) => {
    const target = await ctx.openTarget({
      MESH_QUEUE_CAP: String(QUEUE_CAP),
      MEMBER_QUEUE_CAP: String(MEMBER_CAP),
      UNDELIVERED_MAX_AGE_HOURS: "1",
      SWEEP_INTERVAL_MS: "500",
    });
    const mesh = await createMesh(target.sql, "queue-full mesh");
    const [flooderMember, offline, alice, bob] = await Promise.all(
      ["flooder", "offline", "alice", "bob"].map((displayName) => addMember(target.sql, mesh, { displayName })),
    );
    if (!flooderMember || !offline || !alice || !bob) throw new Error("fixture members missing");

    const flooder = (await openSession(target.wsUrl, flooderMember)).socket;
    const flood: SendTally = {};
    for (let sent = 0; sent < FLOOD_SENDS; sent += FLOOD_CHUNK) {
      const frames = Array.from({ length: FLOOD_CHUNK }, (_, i) =>
        sendFrame(offline.keys.publicKey, `flood-${sent + i}`),
      );
      const chunk = await sendBurst(flooder, frames);
      for (const [k, n] of Object.entries(chunk)) flood[k] = (flood[k] ?? 0) + n;
    }
    await flooder.close();
    const floodRows = await undeliveredRows(target.sql, mesh.id, offline.id);
    ctx.progress(`flood stored ${floodRows} rows for the offline member (${formatTally(flood)})`);
    // Let a queue-depth sweep count what is stored.
    await Bun.sleep(1200);

    const from = (await openSession(target.wsUrl, alice)).socket;
    const to = (await openSession(target.wsUrl, bob)).socket;
    const first = await pairSend(from, bob.keys.publicKey);
    let afterAging: string | undefined;
    let agedRows = 0;
    if (first !== "ack") {
      agedRows = await ageRows(target.sql, mesh.id, offline.id);
      const deadline = performance.now() + RETRY_AFTER_AGING_MS;
      do {
        await Bun.sleep(500);
        afterAging = await pairSend(from, bob.keys.publicKey);
      } while (afterAging !== "ack" && performance.now() < deadline);
    }
    const pairOk = first === "ack" || afterAging === "ack";
    const pushed = pairOk ? await to.next((f) => f.type === "push", 5000) : undefined;
    await Promise.all([from.close(), to.close()]);
    return {
      figure: `flood stored ${floodRows} rows for one offline member; pair: ${first}${afterAging ? `, after aging the flood 2 h: ${afterAging}` : ""}`,
      checks: [
        {
          name: "an online pair can send while one offline member's backlog fills the mesh (at once, or after UNDELIVERED_MAX_AGE_HOURS)",
          ok: pairOk && pushed !== undefined,
          detail: `first send ${first}${afterAging ? `; after aging ${agedRows} rows by 2 h: ${afterAging}` : ""}; push ${pushed ? "received" : "not received"}`,
        },
      ],
      notes: [
        `flood answers: ${formatTally(flood)}; rows for the offline member ${floodRows} (MESH_QUEUE_CAP ${QUEUE_CAP}, MEMBER_QUEUE_CAP ${MEMBER_CAP})`,
      ],
    };
  },
};
