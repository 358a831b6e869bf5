import type { Sql } from "@mesh/db";

/** What identifies a running broker process in the registry. */
export interface InstanceRow {
  id: string;
  hostname: string;
  pid: number;
  version: string;
}

/**
 * Writes this instance's registry row live with a fresh heartbeat (start-up,
 * then every heartbeat) and says what was there before: "alive" (a live
 * row), "stopped" (a peer found it silent and reaped its sessions), or
 * "missing" (a new instance, or its row was deleted after being stopped).
 */
export async function renewInstance(sql: Sql, instance: InstanceRow): Promise<"alive" | "stopped" | "missing"> {
  const [row] = await sql<{ before: "alive" | "stopped" | "missing" }[]>`
    with previous as (
      select stopped_at is not null as was_stopped from mesh.broker_instance where id = ${instance.id}
    ), renewed as (
      insert into mesh.broker_instance (id, hostname, pid, version)
      values (${instance.id}, ${instance.hostname}, ${instance.pid}, ${instance.version})
      on conflict (id) do update set heartbeat_at = now(), stopped_at = null
    )
    select case (select was_stopped from previous) when false then 'alive' when true then 'stopped'
           else 'missing' end as before`;
  return row?.before ?? "missing";
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

/**
 * Is this instance the oldest live one (started first, heartbeat within
 * `timeoutSeconds`)? That one reports the database-wide queue gauges, so a
 * `sum()` over instances counts each row once.
 */
export async function isOldestLiveInstance(sql: Sql, instanceId: string, timeoutSeconds: number): Promise<boolean> {
  const [row] = await sql<{ id: string }[]>`
    select id from mesh.broker_instance
    where stopped_at is null and heartbeat_at > now() - make_interval(secs => ${timeoutSeconds})
    order by started_at, id
    limit 1`;
  return row?.id === instanceId;
}
