import { CLIENT_PROFILES, type ClientProfile } from "@mesh/shared";
import { usageError } from "../cli-error.ts";

/** Whether `value` names a client profile. */
export function isClientProfile(value: string): value is ClientProfile {
  return (CLIENT_PROFILES as readonly string[]).includes(value);
}

/** Returns the profile `--profile` names, or throws a usage error that lists the profiles. */
export function parseClientProfile(value: string): ClientProfile {
  if (!isClientProfile(value)) {
    throw usageError(`--profile must be ${CLIENT_PROFILES.join(" or ")}, not "${value}"`);
  }
  return value;
}

/**
 * What an operator is told, loudly, when a mesh gets the `claudemesh`
 * profile (docs/compatibility.md#client-profiles).
 */
export function claudemeshProfileWarning(slug: string): string {
  return [
    `WARNING: mesh ${slug} runs the claudemesh profile. Its broadcasts travel as base64 text and are NOT encrypted:`,
    "anyone who can read the broker's traffic or its database can read them. Direct messages stay end-to-end",
    "encrypted. Hook POSTs without a token (when HOOK_ALLOW_ANONYMOUS is on) can set the status of its sessions",
    "by naming their cwd.",
  ].join("\n");
}
