import { ErrorCode } from "@mesh/shared";
import { BrokerError } from "../server/broker-error.ts";

const KNOWN_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/**
 * The label of a refused request: its `BrokerError`'s code when that is one
 * of the documented codes, else `internal_error` (what the central handler
 * answers for anything else). Never a value the client chose.
 */
export function requestOutcome(e: unknown): ErrorCode | "internal_error" {
  if (e instanceof BrokerError && KNOWN_CODES.has(e.code)) return e.code as ErrorCode;
  return "internal_error";
}
