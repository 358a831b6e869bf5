import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The files of one embedded cluster inside its data folder. */
export interface ClusterPaths {
  root: string;
  pgdata: string;
  credentials: string;
  ownerPid: string;
  log: string;
}

/** Lays out a data folder: the cluster itself lives in `pgdata/`. */
export function clusterPaths(root: string): ClusterPaths {
  return {
    root,
    pgdata: join(root, "pgdata"),
    credentials: join(root, "credentials.json"),
    ownerPid: join(root, "owner.pid"),
    log: join(root, "postgres.log"),
  };
}

/** The superuser of an embedded cluster; the password never leaves the data folder. */
export interface ClusterCredentials {
  user: string;
  password: string;
}

/** Reads the cluster's credentials, creating them (mode 0600) on first use. */
export function loadOrCreateCredentials(paths: ClusterPaths): ClusterCredentials {
  if (existsSync(paths.credentials)) {
    const parsed: unknown = JSON.parse(readFileSync(paths.credentials, "utf8"));
    if (
      typeof parsed === "object" &&
      parsed !== null &&
      "user" in parsed &&
      "password" in parsed &&
      typeof parsed.user === "string" &&
      typeof parsed.password === "string"
    ) {
      return { user: parsed.user, password: parsed.password };
    }
    throw new Error(`${paths.credentials} is not a valid credentials file`);
  }
  const credentials = { user: "mesh", password: randomBytes(18).toString("base64url") };
  writeFileSync(paths.credentials, `${JSON.stringify(credentials)}\n`, { mode: 0o600 });
  return credentials;
}

/** The postmaster's pid and port from `postmaster.pid`, if the file exists. */
export function readPostmasterPid(paths: ClusterPaths): { pid: number; port: number } | undefined {
  const file = join(paths.pgdata, "postmaster.pid");
  if (!existsSync(file)) return undefined;
  // Line 1 is the pid, line 4 the port (see PostgreSQL's pidfile.h).
  const lines = readFileSync(file, "utf8").split("\n");
  const pid = Number.parseInt(lines[0] ?? "", 10);
  const port = Number.parseInt(lines[3] ?? "", 10);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
  return { pid, port };
}

/** Pid of the process that started (and will stop) the running cluster. */
export function readOwnerPid(paths: ClusterPaths): number | undefined {
  if (!existsSync(paths.ownerPid)) return undefined;
  const pid = Number.parseInt(readFileSync(paths.ownerPid, "utf8"), 10);
  return Number.isInteger(pid) ? pid : undefined;
}

/** Records this process as the cluster's owner. */
export function writeOwnerPid(paths: ClusterPaths): void {
  writeFileSync(paths.ownerPid, `${process.pid}\n`);
}
