import { ErrorCode, hookSetStatusRequest } from "@mesh/shared";
import type { BrokerContext } from "../broker-context.ts";
import { KeyedRateLimiter } from "../lib/keyed-rate-limiter.ts";
import type { Logger } from "../lib/logger.ts";
import { BrokerError, databaseUnavailable, jsonResponse } from "../server/broker-error.ts";
import { readJsonBody } from "../server/read-json-body.ts";
import type { Handler } from "../server/router.ts";
import { applyHookStatus, type HookOutcome } from "./apply-hook-status.ts";
import { parseBearerToken } from "./bearer-token.ts";
import { hookRateKey } from "./hook-rate-key.ts";

/** `HOOK_RATE_LIMIT_PER_MIN` refills over this period. */
const RATE_PERIOD_MS = 60_000;

/** Most (pid, cwd) buckets held at once; each costs well under a kilobyte. */
const MAX_RATE_KEYS = 10_000;

/** 401s name the scheme a client should retry with. */
const CHALLENGE = { "www-authenticate": "Bearer" };

/**
 * `POST /hook/set-status` (docs/protocol.md#hook-endpoint): `{ok:true, presence_id, status, applied}`
 * when a session was found, `{ok:true, pending:true}` when the status waits
 * for its session's hello; 400/413 for a bad body, 401 for a bad or missing
 * token, 429 with `Retry-After` when the (pid, cwd) bucket is empty, 503
 * while Postgres is down. The token is never logged.
 */
export function createHookHandler(ctx: BrokerContext): Handler {
  const limiter = new KeyedRateLimiter({
    capacity: ctx.config.hookRateLimitPerMin,
    periodMs: RATE_PERIOD_MS,
    maxKeys: MAX_RATE_KEYS,
  });

  const handle = async (req: Request, log: Logger): Promise<Response> => {
    const auth = parseBearerToken(req.headers.get("authorization"));
    if (auth.kind === "malformed") throw badHookToken();
    if (auth.kind === "none" && !ctx.config.hookAllowAnonymous) {
      throw new BrokerError(ErrorCode.hookTokenRequired, 401, "this broker needs the session's hook token", {
        headers: CHALLENGE,
      });
    }
    const body = await readJsonBody(req, hookSetStatusRequest, ctx.config.maxMessageBytes);
    const pid = body.pid ?? null;

    // Before any database work, so a runaway hook costs Postgres nothing.
    const taken = limiter.take(hookRateKey(pid, body.cwd), Date.now());
    if (!taken.ok) {
      ctx.metrics.hookRateLimitedOnce();
      const seconds = Math.max(1, Math.ceil(taken.retryAfterMs / 1000));
      throw new BrokerError(ErrorCode.rateLimited, 429, `too many hooks for this pid and cwd; retry in ${seconds} s`, {
        headers: { "retry-after": String(seconds) },
      });
    }
    if (!ctx.dbHealth.healthy) throw databaseUnavailable();

    const outcome: HookOutcome = await applyHookStatus(ctx, {
      token: auth.kind === "token" ? auth.token : undefined,
      pid,
      cwd: body.cwd,
      status: body.status,
    });
    if (outcome.kind === "bad_token") throw badHookToken();

    const logged = { cwd: body.cwd, pid, status: body.status, scoped: auth.kind === "token" };
    if (outcome.kind === "pending") {
      log.info({ ...logged, presence_id: null, pending: true }, "hook");
      return jsonResponse({ ok: true, pending: true });
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
    return jsonResponse({ ok: true, presence_id: presenceId, status, applied });
  };

  return async (req, _server, log) => {
    const started = performance.now();
    ctx.metrics.hookReceived();
    try {
      return await handle(req, log);
    } finally {
      ctx.metrics.hookHandled((performance.now() - started) / 1000);
    }
  };
}

function badHookToken(): BrokerError {
  return new BrokerError(ErrorCode.badHookToken, 401, "the hook token matches no live session", {
    headers: CHALLENGE,
  });
}
