import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { runToExit } from "@mesh/db/testing";
import { z } from "zod";
import { REPO_ROOT } from "../../../../tooling/image/assemble-runtime.ts";
import { execForm, parseDockerfile, splitFlags } from "../../../../tooling/image/dockerfile.ts";
import { requireTool } from "../helpers/required-tool.ts";
import { adaptedCaddyfile, reverseProxyOf } from "./caddy-config.ts";

const compose = requireTool("docker-compose", "docker-compose", "the deployment kit's docker-compose check");
const promtool = requireTool("promtool", "prometheus", "the deployment kit's Prometheus config check");
const caddy = requireTool("caddy", "caddy", "the deployment kit's Caddyfile check");

const KIT = join(REPO_ROOT, "deploy");
const COMPOSE_FILE = join(KIT, "docker-compose.yml");
const BROKERS = ["broker-1", "broker-2"];
const BROKER_PORT = 7900;
/** The routes agents use; the proxy balances exactly these. */
const AGENT_ROUTES = ["/ws", "/hook/set-status", "/join"];

const service = z.object({
  image: z.string(),
  build: z.object({ context: z.string(), dockerfile: z.string() }).optional(),
  hostname: z.string().optional(),
  command: z.array(z.string()).optional(),
  environment: z.record(z.string(), z.string()).default({}),
  depends_on: z.record(z.string(), z.object({ condition: z.string() })).default({}),
  healthcheck: z
    .object({
      test: z.array(z.string()),
      interval: z.string().optional(),
      timeout: z.string().optional(),
      start_period: z.string().optional(),
      retries: z.number().optional(),
    })
    .optional(),
  ports: z
    .array(z.union([z.string(), z.object({ published: z.union([z.number(), z.string()]), target: z.number() })]))
    .default([]),
  volumes: z.array(z.string()).default([]),
});
const composeConfig = z.object({
  services: z.record(z.string(), service),
  volumes: z.record(z.string(), z.unknown()).default({}),
});
type Service = z.infer<typeof service>;

/** A port mapping as `published->target`, whatever form `config` printed it in. */
function portMapping(port: Service["ports"][number]): string {
  if (typeof port !== "string") return `${port.published}->${port.target}`;
  const parts = port.replace(/\/tcp$/, "").split(":");
  return `${parts.at(-2)}->${parts.at(-1)}`;
}

/** A volume entry as source, target and whether the source is a file or folder of the host. */
function mount(entry: string): { source: string; target: string; bind: boolean } {
  const [source = "", target = ""] = entry.split(":");
  return { source, target, bind: source.startsWith("/") };
}

function bindMounts(s: Service): Map<string, string> {
  return new Map(
    s.volumes
      .map(mount)
      .filter((m) => m.bind)
      .map((m) => [m.target, relative(REPO_ROOT, m.source)]),
  );
}

/** The Dockerfile's HEALTHCHECK: its exec-form command and its flags. */
function dockerfileHealthcheck(): { command: string[]; flags: Record<string, string> } {
  const dockerfile = parseDockerfile(readFileSync(join(REPO_ROOT, "Dockerfile"), "utf8"));
  const [instruction] = dockerfile.instructions.filter((i) => i.stage === "runtime" && i.keyword === "HEALTHCHECK");
  const { flags, rest } = splitFlags(instruction?.args ?? "");
  return { command: execForm(rest.replace(/^CMD /, "")) ?? [], flags };
}

describe.skipIf(compose.skip)("deploy/docker-compose.yml, as docker-compose reads it", () => {
  let services: Record<string, Service> = {};
  let namedVolumes: string[] = [];

  beforeAll(async () => {
    // Only PATH and HOME: every variable the file uses must have its documented default.
    const run = await runToExit([compose.path ?? "docker-compose", "-f", COMPOSE_FILE, "config"], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      cwd: REPO_ROOT,
    });
    expect(run.stderr).not.toMatch(/variable is not set|WARNING|ERROR/i);
    expect(run.code).toBe(0);
    const parsed = composeConfig.parse(Bun.YAML.parse(run.stdout));
    services = parsed.services;
    namedVolumes = Object.keys(parsed.volumes);
  });

  const get = (name: string): Service => {
    const found = services[name];
    if (!found) throw new Error(`no service ${name}`);
    return found;
  };

  test("has Postgres, two brokers, the proxy, Prometheus and Grafana, each on a pinned image", () => {
    expect(Object.keys(services).sort()).toEqual([
      "broker-1",
      "broker-2",
      "grafana",
      "postgres",
      "prometheus",
      "proxy",
    ]);
    for (const [name, s] of Object.entries(services)) {
      if (s.build) continue;
      // A full version in the tag (not `latest`, not a bare major): what runs is what was written here.
      expect({ name, image: s.image }).toMatchObject({
        image: expect.stringMatching(/:v?\d+\.\d+(\.\d+)?(-[a-z]+)?$/),
      });
    }
    const postgresMajor = Number(/^postgres:(\d+)/.exec(get("postgres").image)?.[1]);
    expect(postgresMajor).toBeGreaterThanOrEqual(15);
  });

  test("Postgres keeps its data in a volume and reports ready through pg_isready", () => {
    const postgres = get("postgres");
    const data = postgres.volumes.map(mount).find((m) => m.target === "/var/lib/postgresql/data");
    expect(data?.bind).toBe(false);
    expect(namedVolumes).toContain(data?.source ?? "");
    expect(postgres.healthcheck?.test.slice(0, 2)).toEqual(["CMD", "pg_isready"]);
  });

  test("the brokers: built from the repository's Dockerfile, production, on that Postgres, under their own names", () => {
    const postgres = get("postgres").environment;
    const hostnames = BROKERS.map((name) => {
      const broker = get(name);
      expect(broker.build).toEqual({ context: REPO_ROOT, dockerfile: "Dockerfile" });
      expect(broker.environment.NODE_ENV).toBe("production");
      const url = new URL(broker.environment.DATABASE_URL ?? "");
      expect({
        host: url.host,
        user: url.username,
        password: decodeURIComponent(url.password),
        database: url.pathname.slice(1),
      }).toEqual({
        host: "postgres:5432",
        user: postgres.POSTGRES_USER ?? "",
        password: postgres.POSTGRES_PASSWORD ?? "",
        database: postgres.POSTGRES_DB ?? "",
      });
      expect(broker.depends_on.postgres).toEqual({ condition: "service_healthy" });
      return broker.hostname;
    });
    expect(hostnames).toEqual(BROKERS);
  });

  test("the brokers' health check is the Dockerfile's HEALTHCHECK on /health, with its timings", () => {
    const { command, flags } = dockerfileHealthcheck();
    expect(command.join(" ")).toContain("/health");
    for (const name of BROKERS) {
      expect(get(name).healthcheck).toEqual({
        test: ["CMD", ...command],
        interval: flags.interval,
        timeout: flags.timeout,
        start_period: flags["start-period"],
        retries: Number(flags.retries),
      });
    }
  });

  test("every file it mounts is in the repository, where each service reads its configuration", () => {
    const expected: Record<string, Record<string, string>> = {
      proxy: { "/etc/caddy/Caddyfile": "deploy/caddy/Caddyfile" },
      prometheus: {
        "/etc/prometheus/prometheus.yml": "deploy/prometheus/prometheus.yml",
        "/etc/prometheus/broker-alerts.yml": "deploy/prometheus/broker-alerts.yml",
      },
      grafana: {
        "/etc/grafana/provisioning/datasources/prometheus.yml":
          "deploy/grafana/provisioning/datasources/prometheus.yml",
        "/etc/grafana/provisioning/dashboards/mesh-broker.yml":
          "deploy/grafana/provisioning/dashboards/mesh-broker.yml",
        "/etc/grafana/dashboards/mesh-broker.json": "deploy/grafana/dashboards/mesh-broker.json",
      },
    };
    for (const [name, s] of Object.entries(services)) {
      expect({ name, mounts: Object.fromEntries(bindMounts(s)) }).toEqual({ name, mounts: expected[name] ?? {} });
    }
    for (const file of Object.values(expected).flatMap((m) => Object.values(m))) {
      expect({ file, exists: existsSync(join(REPO_ROOT, file)) }).toEqual({ file, exists: true });
    }
    expect(get("prometheus").command).toContain("--config.file=/etc/prometheus/prometheus.yml");
  });

  test("publishes the proxy to everyone, everything else on loopback only", () => {
    const published = Object.fromEntries(
      Object.entries(services)
        .filter(([, s]) => s.ports.length > 0)
        .map(([name, s]) => [name, s.ports.map(portMapping)]),
    );
    expect(published).toEqual({
      postgres: ["55432->5432"],
      "broker-1": ["7901->7900"],
      "broker-2": ["7902->7900"],
      proxy: ["7900->80"],
      prometheus: ["9090->9090"],
      grafana: ["3000->3000"],
    });
    // Agents come through the proxy; the brokers' own ports (admin API, live view) stay on the host.
    for (const name of ["postgres", ...BROKERS, "prometheus", "grafana"]) {
      expect(get(name).ports.every((p) => typeof p === "string" && p.startsWith("127.0.0.1:"))).toBe(true);
    }
  });

  test("Prometheus scrapes both brokers as job mesh-broker and loads the alert rules", () => {
    const prometheus = z
      .object({
        rule_files: z.array(z.string()),
        scrape_configs: z.array(
          z.object({
            job_name: z.string(),
            metrics_path: z.string().default("/metrics"),
            static_configs: z.array(z.object({ targets: z.array(z.string()) })),
          }),
        ),
      })
      .parse(Bun.YAML.parse(readFileSync(join(KIT, "prometheus", "prometheus.yml"), "utf8")));
    expect(prometheus.rule_files).toEqual(["broker-alerts.yml"]);
    const [job] = prometheus.scrape_configs;
    expect(prometheus.scrape_configs).toHaveLength(1);
    expect(job?.job_name).toBe("mesh-broker");
    expect(job?.metrics_path).toBe("/metrics");
    expect(job?.static_configs.flatMap((c) => c.targets)).toEqual(BROKERS.map((b) => `${b}:${BROKER_PORT}`));
    // The alert rules' up/absent expressions name the same job.
    expect(readFileSync(join(KIT, "prometheus", "broker-alerts.yml"), "utf8")).toContain('job="mesh-broker"');
  });

  test("Grafana gets the kit's Prometheus as its default datasource and loads the dashboard, which queries it", () => {
    const datasources = z
      .object({
        datasources: z.array(z.object({ uid: z.string(), type: z.string(), url: z.string(), isDefault: z.boolean() })),
      })
      .parse(
        Bun.YAML.parse(readFileSync(join(KIT, "grafana", "provisioning", "datasources", "prometheus.yml"), "utf8")),
      );
    const [prometheus] = datasources.datasources;
    expect(datasources.datasources).toEqual([
      { uid: "prometheus", type: "prometheus", url: "http://prometheus:9090", isDefault: true },
    ]);
    const providers = z
      .object({ providers: z.array(z.object({ type: z.string(), options: z.object({ path: z.string() }) })) })
      .parse(
        Bun.YAML.parse(readFileSync(join(KIT, "grafana", "provisioning", "dashboards", "mesh-broker.yml"), "utf8")),
      );
    expect(providers.providers.map((p) => [p.type, p.options.path])).toEqual([["file", "/etc/grafana/dashboards"]]);
    expect(bindMounts(get("grafana")).get("/etc/grafana/dashboards/mesh-broker.json")).toBeDefined();

    const dashboard = z
      .looseObject({
        panels: z.array(z.unknown()).min(1),
        templating: z.object({
          list: z.array(z.looseObject({ name: z.string(), type: z.string(), query: z.unknown() })),
        }),
      })
      .parse(JSON.parse(readFileSync(join(KIT, "grafana", "dashboards", "mesh-broker.json"), "utf8")));
    // Every query names either the provisioned datasource or the dashboard's datasource variable, which
    // offers Prometheus datasources and so starts on the provisioned default.
    const variables = new Map(dashboard.templating.list.filter((v) => v.type === "datasource").map((v) => [v.name, v]));
    const uids = new Set(datasourceUids(dashboard.panels));
    expect(uids.size).toBeGreaterThan(0);
    for (const uid of uids) {
      const variable = /^\$\{?(\w+)\}?$/.exec(uid)?.[1];
      if (variable === undefined) expect(uid).toBe(prometheus?.uid ?? "");
      else expect({ uid, offers: variables.get(variable)?.query }).toEqual({ uid, offers: prometheus?.type });
    }
  });
});

/** The `uid` of every `datasource` object anywhere under `value`. */
function datasourceUids(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(datasourceUids);
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    if (key === "datasource" && typeof inner === "object" && inner !== null && "uid" in inner) {
      return [String(inner.uid)];
    }
    return datasourceUids(inner);
  });
}

describe.skipIf(promtool.skip)("deploy/prometheus/prometheus.yml, as promtool reads it", () => {
  test("promtool check config passes, rule file included", async () => {
    const run = await runToExit(
      [promtool.path ?? "promtool", "check", "config", join(KIT, "prometheus", "prometheus.yml")],
      { env: { PATH: process.env.PATH } },
    );
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    expect(run.stdout).toContain("1 rule files found");
  });
});

describe.skipIf(caddy.skip)("deploy/caddy/Caddyfile, as Caddy reads it", () => {
  test("caddy validate passes", async () => {
    const run = await runToExit(
      [caddy.path ?? "caddy", "validate", "--config", join(KIT, "caddy", "Caddyfile"), "--adapter", "caddyfile"],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME } },
    );
    expect({ code: run.code, out: run.stdout }).toMatchObject({ code: 0, out: expect.stringContaining("Valid") });
  });

  test("it balances exactly the agents' routes over both brokers, checking each one's /health, no timeout on sessions", async () => {
    const { config } = await adaptedCaddyfile(caddy.path ?? "caddy", join(KIT, "caddy", "Caddyfile"));
    const { server, paths, proxy } = reverseProxyOf(config);
    expect(server.listen).toEqual([":80"]);
    expect(paths).toEqual(AGENT_ROUTES);
    expect(proxy.upstreams).toEqual(BROKERS.map((b) => ({ dial: `${b}:${BROKER_PORT}` })));
    expect(proxy.health_checks?.active?.uri).toBe("/health");
    // An upgraded session may sit idle between the broker's pings: no stream or read timeout cuts it.
    expect({ stream: proxy.stream_timeout, read: server.read_timeout }).toEqual({ stream: undefined, read: undefined });
  });
});
