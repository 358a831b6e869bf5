import { ErrorCode } from "@mesh/shared";
import { BrokerError } from "../server/broker-error.ts";

/**
 * Is this `Content-Type` JSON? The media type must be exactly
 * `application/json` (any case); parameters such as `charset` may follow.
 */
export function isJsonContentType(header: string | null): boolean {
  const mediaType = header?.split(";", 1)[0]?.trim().toLowerCase();
  return mediaType === "application/json";
}

/**
 * Why a hook request is refused by its headers alone, or undefined. Hooks are
 * scripts: a request with an `Origin` comes from a browser (a web page the
 * agent's user opened could otherwise POST to a broker on their network),
 * and a body not declared JSON is what a page may send without a CORS
 * preflight.
 */
export function hookHeaderRefusal(headers: Headers): BrokerError | undefined {
  if (headers.has("origin")) {
    return new BrokerError(
      ErrorCode.originRefused,
      403,
      "hooks are not accepted from browsers (Origin header present)",
    );
  }
  if (!isJsonContentType(headers.get("content-type"))) {
    return new BrokerError(
      ErrorCode.unsupportedMediaType,
      415,
      "the body must be sent as Content-Type: application/json",
    );
  }
  return undefined;
}
