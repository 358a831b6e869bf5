import { isDatabaseUnavailable } from "@mesh/db";
import { ErrorCode, toError } from "@mesh/shared";
import type { Server } from "bun";
import type { Logger } from "../lib/logger.ts";
import type { SocketData } from "../sessions/session.ts";
import { BrokerError, databaseUnavailable } from "./broker-error.ts";

/**
 * A route handler, given the request's own logger (its lines carry
 * `req_id`, `method` and `path`) and the path parameters its pattern named;
 * may return undefined after upgrading to a WebSocket.
 */
export type Handler = (
  req: Request,
  server: Server<SocketData>,
  log: Logger,
  params: PathParams,
) => Response | undefined | Promise<Response | undefined>;

/** The segments a pattern's `:name` parts matched, raw (not percent-decoded). */
export type PathParams = Readonly<Record<string, string>>;

/** What Bun's `fetch` is given. */
export type Fetch = (req: Request, server: Server<SocketData>) => Promise<Response | undefined>;

/** An `X-Request-Id` a proxy set is kept when it is this plain; otherwise the broker numbers the request. */
const FORWARDED_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * `{ "/health": { GET: handler } }`. A path with `:name` segments is a
 * pattern: each such segment matches one non-empty segment of the request
 * path, handed to the handler under `name`.
 */
export type Routes = Record<string, Partial<Record<string, Handler>>>;

/** A pattern route split into segments: a literal, or a parameter's name. */
interface Pattern {
  segments: ({ literal: string } | { param: string })[];
  methods: Partial<Record<string, Handler>>;
}

function compilePatterns(routes: Routes): Pattern[] {
  return Object.entries(routes)
    .filter(([path]) => path.includes("/:"))
    .map(([path, methods]) => ({
      segments: path
        .split("/")
        .slice(1)
        .map((segment) => (segment.startsWith(":") ? { param: segment.slice(1) } : { literal: segment })),
      methods,
    }));
}

/** The first pattern `path` matches, with its parameters; exact routes are looked up before. */
function matchPattern(patterns: Pattern[], path: string): { pattern: Pattern; params: PathParams } | undefined {
  const parts = path.split("/").slice(1);
  for (const pattern of patterns) {
    if (pattern.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const matched = pattern.segments.every((segment, i) => {
      const part = parts[i] ?? "";
      if ("literal" in segment) return segment.literal === part;
      params[segment.param] = part;
      return part !== "";
    });
    if (matched) return { pattern, params };
  }
  return undefined;
}

/**
 * Dispatches by exact path, else the first pattern the path matches, then
 * method: unknown path → 404, known path with another method → 405 with
 * `Allow`. A `BrokerError` becomes its own response,
 * a lost database connection a 503 `db_unavailable`; anything else is logged
 * and answered with a 500 that reveals nothing.
 */
export function createRouter(routes: Routes, log: Logger): Fetch {
  let requests = 0;
  const patterns = compilePatterns(routes);
  return async (req, server) => {
    const path = new URL(req.url).pathname;
    const forwarded = req.headers.get("x-request-id");
    requests += 1;
    const reqId = forwarded && FORWARDED_REQUEST_ID.test(forwarded) ? forwarded : `r${requests.toString(36)}`;
    const reqLog = log.child({ req_id: reqId, method: req.method, path });
    try {
      const matched = findRoute(routes, patterns, path);
      if (!matched) throw new BrokerError(ErrorCode.notFound, 404, `no route for ${path}`);
      const { methods, params } = matched;
      const handler = methods[req.method];
      if (!handler) {
        const allow = Object.keys(methods).join(", ");
        throw new BrokerError(ErrorCode.methodNotAllowed, 405, `${req.method} is not allowed on ${path}`, {
          headers: { allow },
        });
      }
      return await handler(req, server, reqLog, params);
    } catch (e: unknown) {
      if (e instanceof BrokerError) return e.toResponse();
      // Any handler's query that found Postgres away is a 503, never a 500.
      if (isDatabaseUnavailable(e)) return databaseUnavailable(e).toResponse();
      reqLog.error({ err: toError(e) }, "unhandled request error");
      return new BrokerError(ErrorCode.internal, 500, "internal error").toResponse();
    }
  };
}

/** The methods at `path` and the parameters its pattern named: an exact route first, then the first pattern. */
function findRoute(
  routes: Routes,
  patterns: Pattern[],
  path: string,
): { methods: Partial<Record<string, Handler>>; params: PathParams } | undefined {
  const exact = path.includes("/:") ? undefined : routes[path];
  if (exact) return { methods: exact, params: {} };
  const match = matchPattern(patterns, path);
  return match && { methods: match.pattern.methods, params: match.params };
}
