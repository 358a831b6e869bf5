import { isDatabaseUnavailable } from "@mesh/db";
import { ErrorCode, toError } from "@mesh/shared";
import type { Server } from "bun";
import type { Logger } from "../lib/logger.ts";
import type { SocketData } from "../sessions/session.ts";
import { BrokerError, databaseUnavailable } from "./broker-error.ts";

/**
 * A route handler, given the request's own logger (its lines carry
 * `req_id`, `method` and `path`); may return undefined after upgrading to a
 * WebSocket.
 */
export type Handler = (
  req: Request,
  server: Server<SocketData>,
  log: Logger,
) => Response | undefined | Promise<Response | undefined>;

/** What Bun's `fetch` is given. */
export type Fetch = (req: Request, server: Server<SocketData>) => Promise<Response | undefined>;

/** An `X-Request-Id` a proxy set is kept when it is this plain; otherwise the broker numbers the request. */
const FORWARDED_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** `{ "/health": { GET: handler } }` */
export type Routes = Record<string, Partial<Record<string, Handler>>>;

/**
 * Dispatches by exact path then method: unknown path → 404, known path with
 * another method → 405 with `Allow`. A `BrokerError` becomes its own response,
 * a lost database connection a 503 `db_unavailable`; anything else is logged
 * and answered with a 500 that reveals nothing.
 */
export function createRouter(routes: Routes, log: Logger): Fetch {
  let requests = 0;
  return async (req, server) => {
    const path = new URL(req.url).pathname;
    const forwarded = req.headers.get("x-request-id");
    requests += 1;
    const reqId = forwarded && FORWARDED_REQUEST_ID.test(forwarded) ? forwarded : `r${requests.toString(36)}`;
    const reqLog = log.child({ req_id: reqId, method: req.method, path });
    try {
      const methods = routes[path];
      if (!methods) throw new BrokerError(ErrorCode.notFound, 404, `no route for ${path}`);
      const handler = methods[req.method];
      if (!handler) {
        const allow = Object.keys(methods).join(", ");
        throw new BrokerError(ErrorCode.methodNotAllowed, 405, `${req.method} is not allowed on ${path}`, {
          headers: { allow },
        });
      }
      return await handler(req, server, reqLog);
    } catch (e: unknown) {
      if (e instanceof BrokerError) return e.toResponse();
      // Any handler's query that found Postgres away is a 503, never a 500.
      if (isDatabaseUnavailable(e)) return databaseUnavailable(e).toResponse();
      reqLog.error({ err: toError(e) }, "unhandled request error");
      return new BrokerError(ErrorCode.internal, 500, "internal error").toResponse();
    }
  };
}
