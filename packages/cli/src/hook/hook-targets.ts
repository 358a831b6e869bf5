import type { Membership, SessionRecord } from "@mesh/sdk";
import { httpBaseUrl } from "@mesh/sdk";

/** One broker a hook reports to, with the session's token when this cwd has one. */
export interface HookTarget {
  meshId: string;
  slug: string;
  /** `POST ${baseUrl}/hook/set-status`. */
  baseUrl: string;
  hookToken: string | undefined;
}

/**
 * Where a hook fired in `cwd` reports: every joined mesh (or only `mesh`, by
 * slug or id), each with the hook token of its most recent session in that
 * exact cwd. Memberships with an unusable broker URL are skipped (named in
 * `skipped`); two identical reports (same broker, same token) become one.
 */
export function hookTargets(input: {
  memberships: readonly Membership[];
  sessions: readonly SessionRecord[];
  cwd: string;
  mesh?: string | undefined;
}): { targets: HookTarget[]; skipped: string[] } {
  const targets: HookTarget[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();
  const chosen = input.memberships.filter(
    (m) => input.mesh === undefined || m.slug === input.mesh || m.meshId === input.mesh,
  );
  for (const membership of chosen) {
    let baseUrl: string;
    try {
      baseUrl = httpBaseUrl(membership.brokerUrl);
    } catch {
      skipped.push(membership.slug);
      continue;
    }
    const hookToken = latestSession(input.sessions, membership.meshId, input.cwd)?.hookToken;
    const key = `${baseUrl}\n${hookToken ?? ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    targets.push({ meshId: membership.meshId, slug: membership.slug, baseUrl, hookToken });
  }
  return { targets, skipped };
}

/** The session record of `meshId` in exactly `cwd` with the latest `updatedAt`. */
function latestSession(sessions: readonly SessionRecord[], meshId: string, cwd: string): SessionRecord | undefined {
  let latest: SessionRecord | undefined;
  let latestAt = Number.NEGATIVE_INFINITY;
  for (const s of sessions) {
    if (s.meshId !== meshId || s.cwd !== cwd) continue;
    const at = Date.parse(s.updatedAt);
    const time = Number.isNaN(at) ? Number.NEGATIVE_INFINITY : at;
    if (latest === undefined || time > latestAt) {
      latest = s;
      latestAt = time;
    }
  }
  return latest;
}
