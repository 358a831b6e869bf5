import type { Sql } from "@mesh/db";
import type { AttackSocket, Frame } from "./attack-socket.ts";

/** A `send` frame with an id of its own and a readable tag as ciphertext. */
export function sendFrame(targetSpec: string, id: string, priority: "now" | "next" | "low" = "next"): Frame {
  return {
    type: "send",
    targetSpec,
    priority,
    nonce: "bm9uY2U=",
    ciphertext: Buffer.from(id).toString("base64"),
    id,
  };
}

/** How a batch of sends was answered: `ack`, an error code, or `unanswered`, with counts. */
export type SendTally = Record<string, number>;

/** Adds one outcome to a tally. */
export function count(tally: SendTally, outcome: string): void {
  tally[outcome] = (tally[outcome] ?? 0) + 1;
}

/** `ack ×900, queue_full ×3` */
export function formatTally(tally: SendTally): string {
  const entries = Object.entries(tally).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? "nothing" : entries.map(([k, n]) => `${k} ×${n}`).join(", ");
}

/** The answer (`ack` or the error code) to the send with `id`, or `unanswered` after `timeoutMs`. */
export async function answerOf(socket: AttackSocket, id: string, timeoutMs: number): Promise<string> {
  const answer = await socket.next((f) => (f.type === "ack" || f.type === "error") && f.id === id, timeoutMs);
  if (!answer) return "unanswered";
  return answer.type === "ack" ? "ack" : String(answer.code);
}

/** Writes every frame at once (pipelined), then tallies their answers. */
export async function sendBurst(
  socket: AttackSocket,
  frames: readonly Frame[],
  timeoutMs = 30_000,
): Promise<SendTally> {
  for (const frame of frames) socket.send(frame);
  const deadline = performance.now() + timeoutMs;
  const tally: SendTally = {};
  for (const frame of frames) {
    count(tally, await answerOf(socket, String(frame.id), Math.max(0, deadline - performance.now())));
  }
  return tally;
}

/** Undelivered queue rows of a mesh (optionally for one recipient). */
export async function undeliveredRows(sql: Sql, meshId: string, recipientMemberId?: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from mesh.message_queue
    where mesh_id = ${meshId} and delivered_at is null
      ${recipientMemberId ? sql`and recipient_member_id = ${recipientMemberId}` : sql``}`;
  return row?.n ?? 0;
}
