import type { Sql } from "@mesh/db";

/** What identifies a running broker process in the registry. */
export interface InstanceRow {
  id: string;
  hostname: string;
  pid: number;
  version: string;
}

/** Adds this process to the instance registry (before it serves anything). */
export async function registerInstance(sql: Sql, instance: InstanceRow): Promise<void> {
  await sql`
    insert into mesh.broker_instance (id, hostname, pid, version)
    values (${instance.id}, ${instance.hostname}, ${instance.pid}, ${instance.version})
    on conflict (id) do update set heartbeat_at = now(), stopped_at = null`;
}

/**
 * Renews this instance's heartbeat. "declared_dead" when a peer found it
 * silent and reaped its sessions (their presences are gone); the row is live
 * again afterwards either way, re-created if it was deleted.
 */
export async function heartbeatInstance(sql: Sql, instance: InstanceRow): Promise<"alive" | "declared_dead"> {
  const [row] = await sql<{ wasStopped: boolean }[]>`
    with previous as (
      select stopped_at is not null as was_stopped from mesh.broker_instance where id = ${instance.id}
    ), renewed as (
      insert into mesh.broker_instance (id, hostname, pid, version)
      values (${instance.id}, ${instance.hostname}, ${instance.pid}, ${instance.version})
      on conflict (id) do update set heartbeat_at = now(), stopped_at = null
    )
    select coalesce((select was_stopped from previous), true) as "wasStopped"`;
  return row?.wasStopped ? "declared_dead" : "alive";
}

/** Marks this instance stopped (graceful shutdown, after its presences). */
export async function stopInstance(sql: Sql, instanceId: string): Promise<void> {
  await sql`update mesh.broker_instance set stopped_at = now() where id = ${instanceId} and stopped_at is null`;
}

/**
 * Marks stopped every other instance whose heartbeat is older than
 * `timeoutSeconds`, and returns them (their presences are reaped next).
 */
export async function markSilentInstances(
  sql: Sql,
  p: { exceptInstanceId: string; timeoutSeconds: number },
): Promise<{ id: string; hostname: string; pid: number }[]> {
  return sql<{ id: string; hostname: string; pid: number }[]>`
    update mesh.broker_instance set stopped_at = now()
    where stopped_at is null and id <> ${p.exceptInstanceId}
      and heartbeat_at < now() - make_interval(secs => ${p.timeoutSeconds})
    returning id, hostname, pid`;
}

/** Deletes registry rows of instances stopped longer ago than `olderThanSeconds`; returns how many. */
export async function deleteStoppedInstances(sql: Sql, olderThanSeconds: number): Promise<number> {
  const result = await sql`
    delete from mesh.broker_instance
    where stopped_at < now() - make_interval(secs => ${olderThanSeconds})`;
  return result.count;
}
