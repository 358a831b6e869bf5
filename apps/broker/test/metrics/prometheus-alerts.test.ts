import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "@mesh/db/embedded";
import { freePort, makeTempDir } from "@mesh/db/testing";
import type { Subprocess } from "bun";
import { type BrokerProcess, eventually, startBrokerProcess } from "../helpers/broker-process.ts";
import { requireTool } from "../helpers/required-tool.ts";

/*
 * Issue 17, item 4: a real Prometheus scrapes a real broker every second,
 * evaluates deploy/prometheus/broker-alerts.yml, and MeshBrokerDatabaseDown
 * fires when the broker's Postgres goes away (read through Prometheus's own
 * HTTP API). Postgres here is a cluster of this file's own, which it stops.
 */
const rules = join(import.meta.dir, "..", "..", "..", "..", "deploy", "prometheus", "broker-alerts.yml");
const prometheusBin = requireTool("prometheus", "prometheus", "a real Prometheus scraping a real broker");
// Its Postgres is its own whatever DATABASE_URL says, and it takes over a minute (the rule's `for: 60s`):
// CI runs it in the pass on the embedded Postgres, not again in the one on DATABASE_URL.
const externalPass = process.env.DATABASE_URL !== undefined;
if (externalPass && !prometheusBin.skip) {
  console.log(
    "SKIP a real Prometheus scraping a real broker: it uses a Postgres of its own; it runs without DATABASE_URL",
  );
}

interface AlertState {
  labels: Record<string, string>;
  state: "pending" | "firing";
}

describe.skipIf(prometheusBin.skip || externalPass)("a real Prometheus over a real broker", () => {
  const pgDir = makeTempDir("mesh-prom-pg");
  const promDir = makeTempDir("mesh-prom");
  let pg: EmbeddedPostgres;
  let broker: BrokerProcess;
  let prometheus: Subprocess<"ignore", "pipe", "pipe"> | undefined;
  let promUrl = "";

  const api = async <T>(path: string): Promise<T> => {
    const body = (await (await fetch(`${promUrl}${path}`)).json()) as { status: string; data: T };
    if (body.status !== "success") throw new Error(`${path}: ${JSON.stringify(body)}`);
    return body.data;
  };
  const alerts = async () => (await api<{ alerts: AlertState[] }>("/api/v1/alerts")).alerts;
  const alertState = async (name: string) => (await alerts()).find((a) => a.labels.alertname === name)?.state;
  const instant = async (query: string) =>
    (await api<{ result: { value: [number, string] }[] }>(`/api/v1/query?query=${encodeURIComponent(query)}`)).result[0]
      ?.value[1];

  beforeAll(async () => {
    pg = await startEmbeddedPostgres({ dataDir: pgDir.path, ephemeral: true });
    broker = await startBrokerProcess({ DATABASE_URL: pg.url, DB_PING_INTERVAL_MS: "500", SWEEP_INTERVAL_MS: "500" });
    const promPort = await freePort();
    promUrl = `http://127.0.0.1:${promPort}`;
    const config = join(promDir.path, "prometheus.yml");
    writeFileSync(
      config,
      JSON.stringify({
        global: { scrape_interval: "1s", scrape_timeout: "1s", evaluation_interval: "1s" },
        rule_files: [rules],
        scrape_configs: [{ job_name: "mesh-broker", static_configs: [{ targets: [`127.0.0.1:${broker.port}`] }] }],
      }),
    );
    prometheus = Bun.spawn(
      [
        prometheusBin.path ?? "prometheus",
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(promDir.path, "data")}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ],
      { stdin: "ignore", stdout: "pipe", stderr: "pipe" },
    );
    const ready = await eventually(async () => (await fetch(`${promUrl}/-/ready`)).ok, 30_000);
    if (!ready) throw new Error(`prometheus did not become ready: ${await new Response(prometheus.stderr).text()}`);
  });

  afterAll(async () => {
    prometheus?.kill("SIGTERM");
    await prometheus?.exited;
    await broker?.stop("SIGKILL");
    await pg?.stop();
    promDir.remove();
    pgDir.remove();
  });

  test("scrapes the broker, loads the rules, and MeshBrokerDatabaseDown goes pending then firing once Postgres is gone", async () => {
    // The path is live: Prometheus scrapes the broker and sees Postgres reachable, with no alert about it.
    expect(await eventually(async () => (await instant('up{job="mesh-broker"}')) === "1", 30_000)).toBe(true);
    expect(await eventually(async () => (await instant("mesh_broker_db_healthy")) === "1", 30_000)).toBe(true);
    const groups = await api<{ groups: { rules: { name: string }[] }[] }>("/api/v1/rules");
    const names = groups.groups.flatMap((g) => g.rules.map((r) => r.name));
    expect(names).toContain("MeshBrokerDatabaseDown");
    expect(await alertState("MeshBrokerDatabaseDown")).toBeUndefined();

    await pg.stop();
    expect(await eventually(async () => (await alertState("MeshBrokerDatabaseDown")) === "pending", 30_000)).toBe(true);
    // `for: 60s` on a 1 s evaluation interval.
    expect(await eventually(async () => (await alertState("MeshBrokerDatabaseDown")) === "firing", 120_000)).toBe(true);
    const firing = (await alerts()).find((a) => a.labels.alertname === "MeshBrokerDatabaseDown");
    expect(firing?.labels).toMatchObject({
      job: "mesh-broker",
      instance: `127.0.0.1:${broker.port}`,
      severity: "page",
    });

    // The broker itself goes away: its target turns down and the up rule starts counting.
    await broker.stop("SIGKILL");
    expect(await eventually(async () => (await alertState("MeshBrokerInstanceDown")) === "pending", 30_000)).toBe(true);
  }, 240_000);
});
