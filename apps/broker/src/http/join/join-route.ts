import type { Sql } from "@mesh/db";
import { ErrorCode } from "@mesh/shared";
import type { Config } from "../../config/index.ts";
import type { Logger } from "../../log/logger.ts";
import type { DbHealth } from "../../sweepers/db-ping.ts";
import { BrokerError } from "../broker-error.ts";
import type { Handler } from "../router.ts";

/** `POST /join` (SPEC §8). */
export function createJoinHandler(_deps: { sql: Sql; config: Config; log: Logger; dbHealth: DbHealth }): Handler {
  return () => {
    throw new BrokerError(ErrorCode.internal, 501, "join is not built yet");
  };
}
