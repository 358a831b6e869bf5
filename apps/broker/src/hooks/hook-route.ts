import { ErrorCode, hookSetStatusRequest } from "@mesh/shared";
import type { Server } from "bun";
import type { BrokerContext } from "../broker-context.ts";
import { KeyedRateLimiter } from "../lib/keyed-rate-limiter.ts";
import type { Logger } from "../lib/logger.ts";
import { requestOutcome } from "../metrics/index.ts";
import { BrokerError, databaseUnavailable, jsonResponse } from "../server/broker-error.ts";
import { readJsonBody } from "../server/read-json-body.ts";
import type { Handler } from "../server/router.ts";
import type { SocketData } from "../sessions/session.ts";
import { applyHookStatus, type HookOutcome } from "./apply-hook-status.ts";
import { parseBearerToken } from "./bearer-token.ts";
import { hookRateKey } from "./hook-rate-key.ts";
import { hookHeaderRefusal } from "./hook-request-headers.ts";

/** `HOOK_RATE_LIMIT_PER_MIN` and `HOOK_RATE_LIMIT_PER_ADDRESS_PER_MIN` refill over this period. */
const RATE_PERIOD_MS = 60_000;

/** Most (pid, cwd) buckets, and most address buckets, held at once; each costs well under a kilobyte. */
const MAX_RATE_KEYS = 10_000;

/** 401s name the scheme a client should retry with. */
const CHALLENGE = { "www-authenticate": "Bearer" };

/**
 * `POST /hook/set-status` (docs/protocol.md#hook-endpoint). With a token:
 * `{ok:true, presence_id, status, applied}`. Without one: `{ok:true}` and
 * nothing else, whether a session was found, the status waits as pending or
 * nothing was stored, so a tokenless POST learns nothing about who runs
 * where. 403 with an `Origin`, 415 unless JSON, 401 for a bad or missing
 * token, 429 with `Retry-After` when the client address's bucket (tokenless
 * hooks) or the (pid, cwd) bucket is empty, 400/413 for a bad body, 503
 * while Postgres is down. The token is never logged.
 */
export function createHookHandler(ctx: BrokerContext): Handler {
  const bucket = (capacity: number) =>
    new KeyedRateLimiter({ capacity, periodMs: RATE_PERIOD_MS, maxKeys: MAX_RATE_KEYS });
  const perHook = bucket(ctx.config.hookRateLimitPerMin);
  const perAddress = bucket(ctx.config.hookRateLimitPerAddressPerMin);

  /** Takes a token from `key`'s bucket, or refuses with 429 saying `what` is over its rate. */
  const take = (limiter: KeyedRateLimiter, key: string, what: string): void => {
    const taken = limiter.take(key, Date.now());
    if (taken.ok) return;
    const seconds = Math.max(1, Math.ceil(taken.retryAfterMs / 1000));
    throw new BrokerError(ErrorCode.rateLimited, 429, `too many ${what}; retry in ${seconds} s`, {
      headers: { "retry-after": String(seconds) },
    });
  };

  const handle = async (req: Request, server: Server<SocketData>, log: Logger): Promise<Response> => {
    const refusal = hookHeaderRefusal(req.headers);
    if (refusal) throw refusal;
    const auth = parseBearerToken(req.headers.get("authorization"));
    if (auth.kind === "malformed") throw badHookToken();
    const scoped = auth.kind === "token";
    if (!scoped) {
      if (!ctx.config.hookAllowAnonymous) {
        throw new BrokerError(ErrorCode.hookTokenRequired, 401, "this broker needs the session's hook token", {
          headers: CHALLENGE,
        });
      }
      // The socket's address, not a header a client writes: a fresh (pid, cwd) per request does not reset it.
      take(perAddress, server.requestIP(req)?.address ?? "unknown", "tokenless hooks from this address");
    }
    const body = await readJsonBody(req, hookSetStatusRequest, ctx.config.maxMessageBytes);
    const pid = body.pid ?? null;

    // Before any database work, so a runaway hook costs Postgres nothing.
    take(perHook, hookRateKey(pid, body.cwd), "hooks for this pid and cwd");
    if (!ctx.dbHealth.healthy) throw databaseUnavailable();

    const outcome: HookOutcome = await applyHookStatus(ctx, {
      token: scoped ? auth.token : undefined,
      pid,
      cwd: body.cwd,
      status: body.status,
    });
    if (outcome.kind === "bad_token") throw badHookToken();

    const logged = { cwd: body.cwd, pid, status: body.status, scoped };
    if (outcome.kind === "pending") {
      log.info({ ...logged, presence_id: null, pending: true, stored: outcome.stored }, "hook");
      return jsonResponse({ ok: true });
    }
    const { presenceId, status, applied } = outcome;
    log.info(
      {
        ...logged,
        presence_id: presenceId,
        mesh_id: outcome.meshId,
        member_id: outcome.memberId,
        pending: false,
        applied,
        now: status,
      },
      "hook",
    );
    return jsonResponse(scoped ? { ok: true, presence_id: presenceId, status, applied } : { ok: true });
  };

  return async (req, server, log) => {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    ctx.metrics.hookReceived();
    try {
      const response = await handle(req, server, log);
      ctx.metrics.hookAnswered("ok", seconds());
      return response;
    } catch (e: unknown) {
      ctx.metrics.hookAnswered(requestOutcome(e), seconds());
      throw e;
    }
  };
}

function badHookToken(): BrokerError {
  return new BrokerError(ErrorCode.badHookToken, 401, "the hook token matches no live session", {
    headers: CHALLENGE,
  });
}
