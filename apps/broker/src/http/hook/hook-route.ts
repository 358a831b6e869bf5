import { ErrorCode } from "@mesh/shared";
import type { BrokerContext } from "../../broker-context.ts";
import { BrokerError } from "../broker-error.ts";
import type { Handler } from "../router.ts";

/** `POST /hook/set-status` (SPEC §6). */
export function createHookHandler(_ctx: BrokerContext): Handler {
  return () => {
    throw new BrokerError(ErrorCode.internal, 501, "hooks are not built yet");
  };
}
