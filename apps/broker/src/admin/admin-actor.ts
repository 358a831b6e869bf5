/** Who made an admin request: the operator, or the owner key of the mesh it is about. */
export type AdminActor = { kind: "operator" } | { kind: "owner"; ownerKey: string };

/** How `audit_log.actor` names an actor: `operator`, or `owner:<key hex>`. */
export function auditActor(actor: AdminActor): string {
  return actor.kind === "operator" ? "operator" : `owner:${actor.ownerKey}`;
}
