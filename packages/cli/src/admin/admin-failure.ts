import { MeshError } from "@mesh/sdk";
import { CliError } from "../cli-error.ts";

/**
 * The exit code of a `mesh admin` command the broker's admin API refused
 * (or that names a member, mesh or session it does not have): the API's
 * code is printed with its message. Exit 1 stays for a broker out of reach
 * and other failures, 2 for usage mistakes.
 */
export const ADMIN_REFUSED_EXIT = 3;

/** What an operator can do about a refusal, by the API's code. */
const HINTS: Readonly<Record<string, string>> = {
  admin_unauthorized:
    "the operator token is set by MESH_ADMIN_TOKEN or --token-file; a mesh's owner key by the MESH_HOME that created it",
  admin_not_configured: "the broker has no ADMIN_TOKEN_SHA256: operator requests are refused until it is set",
  admin_not_owner: "the owner key in MESH_HOME is not this mesh's on this broker (another broker, or another mesh)",
  admin_clock_skew: "this machine's clock and the broker's differ by more than 60 s",
};

/**
 * Runs an admin API call; a refusal becomes a `CliError` with the API's code
 * (and a hint when one helps) exiting {@link ADMIN_REFUSED_EXIT}.
 */
export async function adminCall<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (e: unknown) {
    if (e instanceof MeshError && e.brokerCode !== undefined) {
      const hint = HINTS[e.brokerCode];
      throw new CliError(e.brokerCode, hint ? `${e.message}; ${hint}` : e.message, ADMIN_REFUSED_EXIT, { cause: e });
    }
    throw e;
  }
}
