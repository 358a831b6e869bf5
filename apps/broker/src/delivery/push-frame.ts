import type { PushFrame } from "@mesh/shared";
import type { ClaimedEnvelope } from "./claim-deliverable.ts";

/** The JSON text of a `push` for one claimed row (built once, sent to every session of the recipient). */
export function encodePush(row: ClaimedEnvelope): string {
  const frame: PushFrame = {
    type: "push",
    messageId: row.messageId,
    brokerMessageId: row.id,
    meshId: row.meshId,
    senderPubkey: row.senderPubkey,
    senderMemberPubkey: row.senderMemberPubkey,
    priority: row.priority,
    nonce: row.nonce,
    ciphertext: row.ciphertext,
    createdAt: row.createdAt.toISOString(),
  };
  return JSON.stringify(frame);
}
