import { ErrorCode, MESH_SLUG_PATTERN } from "@mesh/shared";
import { BrokerError } from "../server/broker-error.ts";
import type { PathParams } from "../server/router.ts";

/** What each admin path parameter may hold (docs/admin-api.md#routes); nothing is percent-decoded. */
const PARAM_PATTERNS = {
  slug: MESH_SLUG_PATTERN,
  memberId: /^[A-Za-z0-9._:-]{1,200}$/,
  presenceId: /^[A-Za-z0-9._:-]{1,200}$/,
  inviteId: /^[0-9a-f]{16}$/,
} as const;

/** A path parameter of the admin routes. */
export type AdminParam = keyof typeof PARAM_PATTERNS;

/** The parameter `name` of a matched route, or 400 `bad_request` naming it when it is malformed. */
export function adminParam(params: PathParams, name: AdminParam): string {
  const value = params[name] ?? "";
  if (!PARAM_PATTERNS[name].test(value)) {
    throw new BrokerError(ErrorCode.badRequest, 400, `${name}: "${value.slice(0, 80)}" is not a well-formed ${name}`);
  }
  return value;
}
