import type { QueueCaps, QueueLimit } from "./queue-ledger.ts";

/** The `queue_full` message for a send refused at `limit`: which bound, and how large it is. */
export function queueFullMessage(limit: QueueLimit, caps: QueueCaps, broadcast: boolean): string {
  switch (limit) {
    case "mesh":
      return `the mesh holds its cap of ${caps.meshRows} undelivered envelopes (MESH_QUEUE_CAP); not queued`;
    case "sender":
      return `you have your share of ${caps.memberRows} undelivered envelopes outstanding (MEMBER_QUEUE_CAP); not queued`;
    case "recipient":
      return broadcast
        ? `every recipient holds its share of ${caps.memberRows} undelivered envelopes (MEMBER_QUEUE_CAP); not queued`
        : `the recipient holds its share of ${caps.memberRows} undelivered envelopes (MEMBER_QUEUE_CAP); not queued`;
  }
}
