import { createHash } from "node:crypto";

/** The operator token of the view tests' brokers. */
export const OPERATOR_TOKEN = "view-test-operator-token";

/** The environment of a broker serving the live view with `OPERATOR_TOKEN`. */
export function viewEnv(): Record<string, string> {
  return {
    VIEW_ENABLED: "true",
    ADMIN_TOKEN_SHA256: createHash("sha256").update(OPERATOR_TOKEN).digest("hex"),
  };
}
