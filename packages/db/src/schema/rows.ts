import type { brokerInstances } from "./broker-instances.ts";
import type { envelopes } from "./envelopes.ts";
import type { invites } from "./invites.ts";
import type { members } from "./members.ts";
import type { meshes } from "./meshes.ts";
import type { messageQueue } from "./message-queue.ts";
import type { pendingStatuses } from "./pending-statuses.ts";
import type { presences } from "./presences.ts";

/*
 * Row types as postgres.js returns them, derived from the drizzle schema so a
 * column's type is written once. Queries select the columns they need under
 * their camelCase names and type the result as a `Pick` of these. `bigint`
 * identity columns come back from postgres.js as text (int8 can exceed a
 * double), so their ids are strings here.
 */

/** A `mesh.mesh` row. */
export type MeshRow = typeof meshes.$inferSelect;
/** A `mesh.member` row. */
export type MemberRow = typeof members.$inferSelect;
/** A `mesh.invite` row. */
export type InviteRow = typeof invites.$inferSelect;
/** A `mesh.presence` row. */
export type PresenceRow = typeof presences.$inferSelect;
/** A `mesh.message_queue` row (its id as text). */
export type MessageQueueRow = Omit<typeof messageQueue.$inferSelect, "id"> & { id: string };
/** A `mesh.envelope` row (its id as text). */
export type EnvelopeRow = Omit<typeof envelopes.$inferSelect, "id"> & { id: string };
/** A `mesh.pending_status` row (its id as text). */
export type PendingStatusRow = Omit<typeof pendingStatuses.$inferSelect, "id"> & { id: string };
/** A `mesh.broker_instance` row. */
export type BrokerInstanceRow = typeof brokerInstances.$inferSelect;
