import type { Sql } from "@mesh/db";
import { addMember, createMesh, type TestMember } from "../../../../apps/broker/test/helpers/mesh-fixtures.ts";
import type { Attack, Check } from "../attack.ts";
import type { AttackSocket } from "../net/attack-socket.ts";
import { openSession } from "../net/hello.ts";
import { answerOf, sendFrame } from "../net/sends.ts";
import { formatMs } from "../stats.ts";
import type { Target } from "../target/attack-target.ts";

/** How long the broker gets to end a revoked session before the attack calls it open. */
const CLOSE_WITHIN_MS = 2500;
const SEND_EVERY_MS = 50;

/** What a session saw around the statement that took its right away. */
interface Cutoff {
  closeMs: number | undefined;
  close: string;
  /** Sends written after the statement returned, and how many of them were acknowledged. */
  sentAfter: number;
  ackedAfter: number;
}

/**
 * Keeps `member`'s session sending to `peer` every 50 ms, runs `cut` (the
 * revocation or archival), and watches until the session closes or 3 s passed.
 */
async function sendThroughCutoff(
  target: Target,
  member: TestMember,
  peer: TestMember,
  cut: (sql: Sql) => Promise<unknown>,
): Promise<Cutoff> {
  const socket: AttackSocket = (await openSession(target.wsUrl, member)).socket;
  const ids: { id: string; after: boolean }[] = [];
  let cutDone = false;
  let n = 0;
  const timer = setInterval(() => {
    if (!socket.isOpen) return;
    const id = `s-${n++}`;
    ids.push({ id, after: cutDone });
    socket.send(sendFrame(peer.keys.publicKey, id, "now"));
  }, SEND_EVERY_MS);
  await Bun.sleep(300);
  await cut(target.sql);
  const cutAt = performance.now();
  cutDone = true;
  const close = await socket.closeWithin(CLOSE_WITHIN_MS);
  clearInterval(timer);
  const after = ids.filter((s) => s.after);
  let ackedAfter = 0;
  for (const s of after) if ((await answerOf(socket, s.id, socket.isOpen ? 1000 : 0)) === "ack") ackedAfter += 1;
  await socket.close();
  return {
    closeMs: close ? close.at - cutAt : undefined,
    close: close ? `${close.code} ${close.reason}`.trim() : `still open after ${formatMs(CLOSE_WITHIN_MS)}`,
    sentAfter: after.length,
    ackedAfter,
  };
}

/** A close that tells the client it lost its right to be there (not a crash, not a restart). */
const refusedClose = (c: Cutoff) => c.closeMs !== undefined && !/^(1000|1001|1006|1011)\b/.test(c.close);

/**
 * A member is revoked, and a mesh archived, by SQL while their sessions are
 * open: the sessions should end at once, and nothing they send afterwards
 * should be acknowledged.
 */
export const revocation: Attack = {
  number: 5,
  key: "revocation",
  name: "revocation",
  run: async (ctx) => {
    const target = await ctx.openTarget({});
    const mesh = await createMesh(target.sql, "revocation mesh");
    const [revoked, peer] = await Promise.all([
      addMember(target.sql, mesh, { displayName: "to-revoke" }),
      addMember(target.sql, mesh, { displayName: "peer" }),
    ]);
    const archived = await createMesh(target.sql, "mesh to archive");
    const [inArchived, archivedPeer] = await Promise.all([
      addMember(target.sql, archived, { displayName: "archived-member" }),
      addMember(target.sql, archived, { displayName: "archived-peer" }),
    ]);

    const revocation = await sendThroughCutoff(
      target,
      revoked,
      peer,
      (sql) => sql`update mesh.member set revoked_at = now() where id = ${revoked.id}`,
    );
    const archival = await sendThroughCutoff(
      target,
      inArchived,
      archivedPeer,
      (sql) => sql`update mesh.mesh set archived_at = now() where id = ${archived.id}`,
    );
    const row = (what: string, c: Cutoff): Check[] => [
      {
        name: `${what}: the session is closed by the broker within ${formatMs(CLOSE_WITHIN_MS)} (4002, not a crash or restart code)`,
        ok: refusedClose(c),
        detail: `${c.close}${c.closeMs !== undefined ? ` after ${formatMs(c.closeMs)}` : ""}`,
      },
      {
        name: `${what}: nothing sent after it is acknowledged`,
        ok: c.ackedAfter === 0,
        detail: `${c.ackedAfter} of ${c.sentAfter} later sends acked`,
      },
    ];
    const show = (c: Cutoff) =>
      `${c.closeMs !== undefined ? `closed ${c.close.split(" ")[0]} in ${formatMs(c.closeMs)}` : "never closed"}, ${c.ackedAfter} acked after`;
    return {
      figure: `revoked: ${show(revocation)}; archived: ${show(archival)}`,
      checks: [...row("member revoked", revocation), ...row("mesh archived", archival)],
      notes: [],
    };
  },
};
