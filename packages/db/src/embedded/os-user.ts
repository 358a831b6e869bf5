import { spawnSync } from "node:child_process";
import { dirname, resolve } from "node:path";

/** The uid/gid a child process switches to; absent when no switch is needed. */
export interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

/**
 * Where a root user's embedded Postgres lives when the checkout is closed to
 * the `postgres` account: the cluster folder and a copy of the programs.
 */
export const ROOT_FALLBACK_BASE = "/var/lib/mesh-broker";

/** The unprivileged account that runs Postgres when the broker runs as root. */
export const POSTGRES_OS_USER = "postgres";

/**
 * PostgreSQL refuses to run as root. When we are root, returns the account to
 * switch to, creating a system account if the machine has none.
 */
export function resolveRunAs(): RunAs | undefined {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return undefined;
  let ids = lookupIds(POSTGRES_OS_USER);
  if (!ids) {
    const created = spawnSync(
      "useradd",
      ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", POSTGRES_OS_USER],
      { encoding: "utf8" },
    );
    ids = lookupIds(POSTGRES_OS_USER);
    if (!ids) {
      throw new Error(
        `running as root: embedded Postgres needs an unprivileged user "${POSTGRES_OS_USER}" and creating it failed: ${created.stderr || created.error?.message || "unknown error"}`,
      );
    }
  }
  return { ...ids, name: POSTGRES_OS_USER };
}

function lookupIds(name: string): { uid: number; gid: number } | undefined {
  const uid = spawnSync("id", ["-u", name], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", name], { encoding: "utf8" });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
}

/**
 * The first ancestor of `dir` that `runAs` cannot enter (a data folder under
 * root's 0700 home, say), or undefined when every one is open to it.
 */
export function firstUnreachableAncestor(dir: string, runAs: RunAs): string | undefined {
  for (let d = dirname(resolve(dir)); ; d = dirname(d)) {
    const probe = spawnSync("test", ["-x", d], { uid: runAs.uid, gid: runAs.gid });
    if (probe.status !== 0) return d;
    if (dirname(d) === d) return undefined;
  }
}

/** Throws a clear error when `runAs` cannot reach `dir`. */
export function assertReachable(dir: string, runAs: RunAs): void {
  const blocked = firstUnreachableAncestor(dir, runAs);
  if (blocked) {
    throw new Error(
      `embedded Postgres runs as user "${runAs.name}" (Postgres refuses root), which cannot enter ${blocked}; choose a data folder it can reach with BROKER_DATA_DIR`,
    );
  }
}

/** True when a process with this pid exists (EPERM: it exists but belongs to another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: unknown) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
