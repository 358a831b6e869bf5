import type { AdminMember, AdminSession } from "@mesh/sdk";
import { CliError, usageError } from "../cli-error.ts";
import { ADMIN_REFUSED_EXIT } from "./admin-failure.ts";

/**
 * The member `ref` names: the one with that id, else the one with that
 * display name, ignoring case. Names are unique among non-revoked members
 * only, so a name shared with revoked ones picks by `prefer`: `live` (rename,
 * revoke) takes the non-revoked one, `revoked` (restore) a revoked one; two
 * candidates left are ambiguous (a usage error: give the id). None is
 * `member_not_found`, as the API would answer.
 */
export function resolveMember(
  members: readonly AdminMember[],
  ref: string,
  slug: string,
  prefer: "live" | "revoked" = "live",
): AdminMember {
  const byId = members.find((m) => m.id === ref);
  if (byId) return byId;
  const wanted = ref.trim().toLowerCase();
  const named = members.filter((m) => m.name.toLowerCase() === wanted);
  const preferred = named.filter((m) => m.revoked === (prefer === "revoked"));
  const candidates = preferred.length > 0 ? preferred : named;
  const [only, second] = candidates;
  if (only && !second) return only;
  if (only) {
    throw usageError(
      `${candidates.length} members of mesh ${slug} are named "${ref}": give one's id (${candidates.map((m) => m.id).join(", ")})`,
    );
  }
  throw new CliError(
    "member_not_found",
    `mesh ${slug} has no member named "${ref}" or with that id`,
    ADMIN_REFUSED_EXIT,
  );
}

/**
 * The session `ref` names: that presence id, or the one live session whose
 * id starts with it (as `mesh admin sessions` shows them). Anything else is
 * passed on as given, so the broker answers `session_not_found`.
 */
export function resolveSessionId(sessions: readonly AdminSession[], ref: string): string {
  if (sessions.some((s) => s.presenceId === ref)) return ref;
  const matches = sessions.filter((s) => s.presenceId.startsWith(ref));
  const [only, second] = matches;
  if (only && !second) return only.presenceId;
  if (only) throw usageError(`${matches.length} live sessions start with "${ref}": give more of the id`);
  return ref;
}
