import { addMember, createMesh } from "../../../../apps/broker/test/helpers/mesh-fixtures.ts";
import type { Attack } from "../attack.ts";
import { openSession } from "../net/hello.ts";
import { formatTally, sendBurst, sendFrame, undeliveredRows } from "../net/sends.ts";
import { startVictimPair } from "../victims.ts";

const QUEUE_CAP = 100;
/** Members of the broadcast mesh: each broadcast stores one row for each of the 30 others. */
const BROADCAST_MESH_MEMBERS = 31;

/**
 * MESH_QUEUE_CAP is checked against a count that only grows once sends
 * commit: a pipelined burst passes the check before any of it is stored, and
 * a broadcast is let in whole when one row of room is left.
 */
export const capReservation: Attack = {
  number: 2,
  key: "cap-reservation",
  name: "cap reservation",
  run: async (ctx) => {
    // The cap counts what was stored since the last queue-depth sweep, delivered or not: a sweep every
    // 500 ms keeps the victim pair's own delivered sends (in a mesh of its own) from filling its cap.
    const target = await ctx.openTarget({ MESH_QUEUE_CAP: String(QUEUE_CAP), SWEEP_INTERVAL_MS: "500" });
    const directMesh = await createMesh(target.sql, "direct burst mesh");
    const [sender, offline] = await Promise.all([
      addMember(target.sql, directMesh, { displayName: "burster" }),
      addMember(target.sql, directMesh, { displayName: "offline" }),
    ]);
    const broadcastMesh = await createMesh(target.sql, "broadcast burst mesh");
    const broadcastMembers = await Promise.all(
      Array.from({ length: BROADCAST_MESH_MEMBERS }, (_, i) =>
        addMember(target.sql, broadcastMesh, { displayName: `member-${i}` }),
      ),
    );
    const broadcaster = broadcastMembers[0];
    if (!broadcaster) throw new Error("no broadcaster");
    const victims = await startVictimPair(target, ctx.sizes.victimBaselineMs);

    victims.during();
    const { directBurst, broadcastBurst } = ctx.sizes;
    ctx.progress(`${directBurst} pipelined direct sends, then ${broadcastBurst} broadcasts to 30 members`);
    const direct = (await openSession(target.wsUrl, sender)).socket;
    const directTally = await sendBurst(
      direct,
      Array.from({ length: directBurst }, (_, i) => sendFrame(offline.keys.publicKey, `direct-${i}`)),
    );
    const directRows = await undeliveredRows(target.sql, directMesh.id);
    const broadcast = (await openSession(target.wsUrl, broadcaster)).socket;
    const broadcastTally = await sendBurst(
      broadcast,
      Array.from({ length: broadcastBurst }, (_, i) => sendFrame("*", `broadcast-${i}`)),
    );
    const broadcastRows = await undeliveredRows(target.sql, broadcastMesh.id);
    const victim = await victims.stop();
    await Promise.all([direct.close(), broadcast.close()]);

    return {
      figure: `direct burst stored ${directRows} rows, broadcasts ${broadcastRows} (cap ${QUEUE_CAP})`,
      checks: [
        {
          name: `${directBurst} pipelined direct sends store at most MESH_QUEUE_CAP rows`,
          ok: directRows <= QUEUE_CAP,
          detail: `${directRows} rows; answers: ${formatTally(directTally)}`,
        },
        {
          name: `${broadcastBurst} broadcasts in a ${BROADCAST_MESH_MEMBERS}-member mesh store at most MESH_QUEUE_CAP rows`,
          ok: broadcastRows <= QUEUE_CAP,
          detail: `${broadcastRows} rows; answers: ${formatTally(broadcastTally)}`,
        },
      ],
      notes: [],
      victim,
    };
  },
};
