export { adminRequestSeen } from "./admin-request-seen.ts";
export { auditLog } from "./audit-log.ts";
export { brokerInstances } from "./broker-instances.ts";
export { envelopes } from "./envelopes.ts";
export { helloSeen } from "./hello-seen.ts";
export { invites } from "./invites.ts";
export { members } from "./members.ts";
export { meshSchema } from "./mesh-schema.ts";
export { CLIENT_PROFILES, meshes } from "./meshes.ts";
export { messageQueue } from "./message-queue.ts";
export { pendingStatuses } from "./pending-statuses.ts";
export { presences } from "./presences.ts";
export type {
  BrokerInstanceRow,
  EnvelopeRow,
  InviteRow,
  MemberRow,
  MeshRow,
  MessageQueueRow,
  PendingStatusRow,
  PresenceRow,
} from "./rows.ts";
