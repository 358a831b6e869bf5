import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import postgres from "postgres";
import { freePort } from "../free-port.ts";
import { type PostgresBinaries, resolvePostgresBinaries } from "./binaries.ts";
import {
  type ClusterCredentials,
  type ClusterPaths,
  clusterPaths,
  loadOrCreateCredentials,
  readOwnerPid,
  readPostmasterPid,
  writeOwnerPid,
} from "./cluster-files.ts";
import { assertReachable, isProcessAlive, type RunAs, resolveRunAs } from "./os-user.ts";

/** Postgres gets a clean environment: nothing of ours (DATABASE_URL, tokens) leaks into it. */
const POSTGRES_ENV = { LC_ALL: "C", LANG: "C" };

/** Options for {@link startEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /** Folder holding the cluster, its credentials and its log; created if missing. */
  dataDir: string;
  /** TCP port on 127.0.0.1; default: a free one. */
  port?: number;
  /** Database to create and hand out; default `mesh`. */
  database?: string;
  /**
   * Throwaway clusters (tests, benchmarks): skip fsync. Never for data that
   * must survive a power cut.
   */
  ephemeral?: boolean;
  /** Seconds to wait for the server to accept connections. */
  startTimeoutSeconds?: number;
  /** Progress messages (initialising, started, reused, stopped). */
  onEvent?: (event: string, fields: Record<string, unknown>) => void;
}

/** A running embedded cluster. */
export interface EmbeddedPostgres {
  /** URL of the database this handle was asked for. */
  url: string;
  /** URL of the `postgres` maintenance database (for CREATE DATABASE). */
  adminUrl: string;
  port: number;
  dataDir: string;
  /** True when this process started (or adopted) the server and will stop it. */
  owned: boolean;
  /** Stops the server if this process owns it; otherwise does nothing. */
  stop: () => Promise<void>;
}

/**
 * Starts (or joins) a real PostgreSQL in `dataDir`: initialises the cluster on
 * first use, reuses it afterwards. If another live process already runs the
 * cluster it is shared, not started twice; if its owner died, it is adopted.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const emit = options.onEvent ?? (() => {});
  const database = options.database ?? "mesh";
  const paths = clusterPaths(options.dataDir);
  const runAs = resolveRunAs();
  mkdirSync(paths.root, { recursive: true, mode: 0o755 });
  if (runAs) assertReachable(paths.pgdata, runAs);
  const cluster: Cluster = {
    paths,
    runAs,
    binaries: resolvePostgresBinaries(runAs),
    credentials: loadOrCreateCredentials(paths),
    ephemeral: options.ephemeral ?? false,
  };
  const { credentials } = cluster;

  if (!existsSync(join(paths.pgdata, "PG_VERSION"))) {
    emit("embedded postgres initialising", { dataDir: paths.root });
    initialiseCluster(cluster);
  }

  let running = findRunningServer(paths);
  let child: ChildProcess | undefined;
  if (!running) {
    const port = options.port ?? (await freePort());
    child = spawnPostgres(cluster, port);
    const started = await waitUntilReady(cluster, port, child, options.startTimeoutSeconds ?? 60);
    if (started === "lost-race") {
      child = undefined;
      running = findRunningServer(paths);
      if (!running) throw new Error(`embedded Postgres failed to start; see ${paths.log}`);
    } else {
      writeOwnerPid(paths);
      running = { pid: started.pid, port };
    }
  }

  const owner = readOwnerPid(paths);
  const owned = child !== undefined || owner === undefined || owner === process.pid || !isProcessAlive(owner);
  if (owned && child === undefined) writeOwnerPid(paths);
  emit(child ? "embedded postgres started" : "embedded postgres reused", {
    dataDir: paths.root,
    port: running.port,
    owned,
  });

  const base = `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${running.port}`;
  await ensureDatabase(`${base}/postgres`, database);

  const postmasterPid = running.pid;
  let stopping: Promise<void> | undefined;
  return {
    url: `${base}/${database}`,
    adminUrl: `${base}/postgres`,
    port: running.port,
    dataDir: paths.root,
    owned,
    stop: () => {
      if (!owned) return Promise.resolve();
      stopping ??= stopServer(postmasterPid, child).then(() => {
        rmSync(paths.ownerPid, { force: true });
        emit("embedded postgres stopped", { dataDir: paths.root });
      });
      return stopping;
    },
  };
}

/** Everything about one cluster that is settled before it starts. */
interface Cluster {
  paths: ClusterPaths;
  runAs: RunAs | undefined;
  binaries: PostgresBinaries;
  credentials: ClusterCredentials;
  ephemeral: boolean;
}

/** Extra spawn options that switch to the unprivileged account, when we are root. */
function asUser(runAs: RunAs | undefined): { uid?: number; gid?: number } {
  return runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
}

function initialiseCluster({ paths, runAs, binaries, credentials, ephemeral }: Cluster): void {
  rmSync(paths.pgdata, { recursive: true, force: true });
  mkdirSync(paths.pgdata, { mode: 0o700 });
  const pwfile = join(paths.root, `.pwfile-${process.pid}`);
  writeFileSync(pwfile, `${credentials.password}\n`, { mode: 0o600 });
  try {
    if (runAs) {
      chownSync(paths.pgdata, runAs.uid, runAs.gid);
      chownSync(pwfile, runAs.uid, runAs.gid);
    }
    const args = [
      `--pgdata=${paths.pgdata}`,
      `--username=${credentials.user}`,
      `--pwfile=${pwfile}`,
      "--auth=scram-sha-256",
      "--encoding=UTF8",
      "--locale=C",
    ];
    if (ephemeral) args.push("--no-sync");
    const result = spawnSync(binaries.initdb, args, { encoding: "utf8", env: POSTGRES_ENV, ...asUser(runAs) });
    if (result.status !== 0) {
      rmSync(paths.pgdata, { recursive: true, force: true });
      throw new Error(
        `initdb failed (exit ${result.status}): ${(result.stderr || result.error?.message || "").trim()}`,
      );
    }
  } finally {
    rmSync(pwfile, { force: true });
  }
}

function findRunningServer(paths: ClusterPaths): { pid: number; port: number } | undefined {
  const found = readPostmasterPid(paths);
  if (!found || !isProcessAlive(found.pid)) return undefined;
  return found;
}

function spawnPostgres({ paths, runAs, binaries, ephemeral }: Cluster, port: number): ChildProcess {
  const logFd = openSync(paths.log, "a", 0o644);
  const args = [
    "-D",
    paths.pgdata,
    "-p",
    String(port),
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    "unix_socket_directories=",
    "-c",
    "max_connections=300",
  ];
  if (ephemeral) args.push("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off");
  try {
    return spawn(binaries.postgres, args, { stdio: ["ignore", logFd, logFd], env: POSTGRES_ENV, ...asUser(runAs) });
  } finally {
    closeSync(logFd);
  }
}

async function waitUntilReady(
  { paths, credentials }: Cluster,
  port: number,
  child: ChildProcess,
  timeoutSeconds: number,
): Promise<{ pid: number } | "lost-race"> {
  const pid = child.pid;
  if (pid === undefined) throw new Error(`embedded Postgres could not be spawned: ${tailOf(paths.log)}`);
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  const deadline = Date.now() + timeoutSeconds * 1000;
  const probe = postgres({
    host: "127.0.0.1",
    port,
    user: credentials.user,
    password: credentials.password,
    database: "postgres",
    max: 1,
    connect_timeout: 2,
    onnotice: () => {},
  });
  try {
    while (Date.now() < deadline) {
      if (exited) {
        // Another process may have started the same cluster a moment before us.
        const other = readPostmasterPid(paths);
        if (other && isProcessAlive(other.pid)) return "lost-race";
        throw new Error(`embedded Postgres exited during start-up: ${tailOf(paths.log)}`);
      }
      try {
        await probe`select 1`;
        return { pid };
      } catch {
        await sleep(100);
      }
    }
  } finally {
    await probe.end({ timeout: 1 });
  }
  child.kill("SIGQUIT");
  throw new Error(`embedded Postgres did not accept connections within ${timeoutSeconds}s: ${tailOf(paths.log)}`);
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await admin`select 1 as present from pg_database where datname = ${database}`;
    if (!row) {
      await admin.unsafe(`create database "${database.replaceAll('"', '""')}"`).catch((e: unknown) => {
        // 42P04 duplicate_database: a concurrent starter created it first.
        if ((e as { code?: string }).code !== "42P04") throw e;
      });
    }
  } finally {
    await admin.end({ timeout: 1 });
  }
}

/**
 * Asks Postgres for a fast shutdown (SIGINT: roll back, checkpoint, exit),
 * waits up to 30 s, then forces it (SIGQUIT).
 */
async function stopServer(pid: number, child: ChildProcess | undefined): Promise<void> {
  const running = child && child.exitCode === null && child.signalCode === null ? child : undefined;
  const exited = running ? new Promise((resolve) => running.once("exit", resolve)) : undefined;
  try {
    process.kill(pid, "SIGINT");
  } catch {
    return;
  }
  if (exited) {
    // Our own child: its "exit" event comes after it is reaped.
    await Promise.race([exited, sleep(30_000, undefined, { ref: false })]);
  } else {
    // A server we adopted is not our child: all we can do is poll.
    const deadline = Date.now() + 30_000;
    while (isProcessAlive(pid) && Date.now() < deadline) await sleep(50);
  }
  if (isProcessAlive(pid)) process.kill(pid, "SIGQUIT");
}

function tailOf(file: string): string {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-5).join(" | ");
  } catch {
    return "(no log)";
  }
}
