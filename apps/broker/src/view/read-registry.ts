import type { Sql } from "@mesh/db";
import type { ViewInstance, ViewMesh } from "./view-state.ts";

interface InstanceRow {
  id: string;
  hostname: string;
  pid: number;
  version: string;
  startedAt: Date;
  heartbeatAt: Date;
  stoppedAt: Date | null;
}

/** How long a stopped instance stays on the view. */
const STOPPED_SHOWN_SECONDS = 600;

/**
 * The meshes (not archived, those with live sessions first) with their
 * member counts, and the instance registry: live instances and those
 * stopped in the last ten minutes.
 */
export async function readRegistry(
  sql: Sql,
  limits: { meshes: number; instances: number },
): Promise<{ meshes: Record<string, ViewMesh>; instances: Record<string, ViewInstance>; truncated: boolean }> {
  const [meshRows, instanceRows] = await Promise.all([
    sql<ViewMesh[]>`
      select h.id, h.name, h.slug,
             (select count(*) from mesh.member m where m.mesh_id = h.id and m.revoked_at is null)::int as members
      from mesh.mesh h
      where h.archived_at is null
      order by exists (select 1 from mesh.presence p where p.mesh_id = h.id and p.disconnected_at is null) desc,
               lower(h.name), h.id
      limit ${limits.meshes + 1}`,
    sql<InstanceRow[]>`
      select id, hostname, pid, version, started_at as "startedAt", heartbeat_at as "heartbeatAt",
             stopped_at as "stoppedAt"
      from mesh.broker_instance
      where stopped_at is null or stopped_at > now() - make_interval(secs => ${STOPPED_SHOWN_SECONDS})
      order by stopped_at is not null, started_at
      limit ${limits.instances + 1}`,
  ]);
  const meshes: Record<string, ViewMesh> = {};
  for (const m of meshRows.slice(0, limits.meshes)) meshes[m.id] = { ...m };
  const instances: Record<string, ViewInstance> = {};
  for (const i of instanceRows.slice(0, limits.instances)) {
    instances[i.id] = {
      id: i.id,
      hostname: i.hostname,
      pid: i.pid,
      version: i.version,
      startedAt: i.startedAt.getTime(),
      heartbeatAt: i.heartbeatAt.getTime(),
      stoppedAt: i.stoppedAt?.getTime() ?? null,
    };
  }
  return {
    meshes,
    instances,
    truncated: meshRows.length > limits.meshes || instanceRows.length > limits.instances,
  };
}
