import type { Sql } from "@mesh/db";
import type { z } from "zod";
import type { DbHealth } from "../health/db-ping.ts";
import type { Logger } from "../lib/logger.ts";
import { BrokerError, databaseUnavailable } from "../server/broker-error.ts";
import { parseJsonBytes, readBodyBytes } from "../server/read-json-body.ts";
import type { Handler, PathParams } from "../server/router.ts";
import type { AdminActor } from "./admin-actor.ts";
import { type AdminScope, authenticateAdmin } from "./authenticate-admin.ts";
import type { AdminMesh } from "./find-admin-mesh.ts";
import type { OperatorCredential } from "./operator-credential.ts";
import { type AdminParam, adminParam } from "./path-params.ts";

/** What every admin route is built from; wired once in `startBroker`. */
export interface AdminDeps {
  sql: Sql;
  dbHealth: DbHealth;
  operator: OperatorCredential;
  /** `MAX_MESSAGE_BYTES`: the largest body read. */
  maxBodyBytes: number;
}

/** An admin request that passed its checks: who asks, its parsed body, its validated path parameters. */
export interface AdminCall<B> {
  actor: AdminActor;
  body: B;
  params: Readonly<Partial<Record<AdminParam, string>>>;
  log: Logger;
}

/** …about one mesh, which exists. */
export interface MeshAdminCall<B> extends AdminCall<B> {
  mesh: AdminMesh;
}

const EMPTY_BODY = new TextEncoder().encode("{}");

/**
 * Runs an admin request's checks in the documented order
 * (docs/admin-api.md#checks-in-order): path parameters, Postgres, body size,
 * credential, body schema. A request without a body is read as `{}`.
 */
async function admit<S extends z.ZodType>(
  deps: AdminDeps,
  req: Request,
  log: Logger,
  rawParams: PathParams,
  scope: (params: Partial<Record<AdminParam, string>>) => AdminScope,
  schema: S,
): Promise<Omit<AdminCall<z.infer<S>>, "log"> & { mesh: AdminMesh | undefined }> {
  const params: Partial<Record<AdminParam, string>> = {};
  for (const name of Object.keys(rawParams) as AdminParam[]) params[name] = adminParam(rawParams, name);
  if (!deps.dbHealth.healthy) throw databaseUnavailable();
  const bytes = await readBodyBytes(req, deps.maxBodyBytes);
  const caller = await authenticateAdmin(deps, req, bytes, scope(params), Date.now()).catch((e: unknown) => {
    // Refused credentials leave a trace for the operator; the headers themselves are never logged.
    if (e instanceof BrokerError) log.info({ code: e.code }, "admin request refused");
    throw e;
  });
  const body = parseJsonBytes(bytes.length === 0 ? EMPTY_BODY : bytes, schema);
  return { actor: caller.actor, body, params, mesh: caller.mesh };
}

/** A route only the operator may call (`POST /admin/meshes`, `GET /admin/meshes`). */
export function brokerAdminRoute<S extends z.ZodType>(
  deps: AdminDeps,
  schema: S,
  handle: (call: AdminCall<z.infer<S>>) => Promise<Response>,
): Handler {
  return async (req, _server, log, rawParams) => {
    const { mesh: _none, ...call } = await admit(deps, req, log, rawParams, () => ({ kind: "broker" }), schema);
    return handle({ ...call, log: log.child({ actor: call.actor.kind }) });
  };
}

/** A route about the mesh of `:slug`: its owner (signed) or the operator may call it. */
export function meshAdminRoute<S extends z.ZodType>(
  deps: AdminDeps,
  schema: S,
  handle: (call: MeshAdminCall<z.infer<S>>) => Promise<Response>,
): Handler {
  return async (req, _server, log, rawParams) => {
    const { mesh, ...call } = await admit(
      deps,
      req,
      log,
      rawParams,
      (p) => ({ kind: "mesh", slug: p.slug ?? "" }),
      schema,
    );
    if (!mesh) throw new Error("a mesh route was admitted without its mesh");
    return handle({ ...call, mesh, log: log.child({ actor: call.actor.kind, mesh_id: mesh.id }) });
  };
}
