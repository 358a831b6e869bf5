import { ErrorCode } from "@mesh/shared";

/**
 * The one error type of the HTTP boundary: a stable `code` and the status it
 * maps to. Anything else thrown by a handler becomes a logged 500.
 */
export class BrokerError extends Error {
  constructor(
    readonly code: ErrorCode | (string & {}),
    readonly status: number,
    message: string = code,
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(message, options);
    this.name = "BrokerError";
    this.headers = options?.headers ?? {};
  }

  readonly headers: Record<string, string>;

  /** `{ ok: false, error, message }` with the mapped status. */
  toResponse(): Response {
    return jsonResponse({ ok: false, error: this.code, message: this.message }, this.status, this.headers);
  }
}

/** A JSON response with the right content type. */
export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/** 503 `db_unavailable`: Postgres is unreachable and nothing was stored. */
export function databaseUnavailable(cause?: unknown): BrokerError {
  return new BrokerError(ErrorCode.dbUnavailable, 503, "the database is unavailable; nothing was stored", { cause });
}
