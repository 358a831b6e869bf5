import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { useBrokerSuite } from "../helpers/broker-suite.ts";

/*
 * Issue 17, item 4: the Grafana dashboard the deployment kit provisions. Every
 * query names only series a running broker exports (its own /metrics, read
 * live), and the data source and the instance are variables.
 */
const dashboardPath = join(
  import.meta.dir,
  "..",
  "..",
  "..",
  "..",
  "deploy",
  "grafana",
  "dashboards",
  "mesh-broker.json",
);
const suite = useBrokerSuite();
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a template literal.
const DATASOURCE_VARIABLE = "${datasource}";

interface Target {
  expr: string;
  datasource?: { uid?: string };
}
interface Panel {
  type: string;
  title: string;
  datasource?: { uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: unknown }[] };
}

const PROMQL_WORDS = new Set([
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "bool",
  "and",
  "or",
  "unless",
  "offset",
  "inf",
  "nan",
]);

/** The series a PromQL expression reads: identifiers outside label matchers, ranges, strings and grouping lists, not called as functions. */
function seriesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  const names = new Set<string>();
  for (const m of bare.matchAll(/(?<![\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\w:]|\s*\()/g)) {
    const name = m[1] ?? "";
    if (!PROMQL_WORDS.has(name.toLowerCase())) names.add(name);
  }
  return [...names];
}

/** Every series name the exposition declares (`# TYPE`, with a histogram's `_bucket`, `_sum`, `_count`) or carries. */
function exportedNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split("\n")) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type?.[1]) {
      names.add(type[1]);
      if (type[2] === "histogram" || type[2] === "summary") {
        for (const suffix of ["_bucket", "_sum", "_count"]) names.add(`${type[1]}${suffix}`);
      }
    } else if (line && !line.startsWith("#")) names.add(line.split(/[{ ]/, 1)[0] ?? "");
  }
  return names;
}

const flat = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...flat(p.panels ?? [])]);

describe("Grafana dashboard", () => {
  test("seriesIn finds the series of a query, not its functions, labels or variables", () => {
    expect(
      seriesIn(
        'histogram_quantile(0.99, sum by (le, instance) (rate(mesh_broker_send_to_push_seconds_bucket{instance=~"$instance",priority="now"}[$__rate_interval])))',
      ),
    ).toEqual(["mesh_broker_send_to_push_seconds_bucket"]);
    expect(seriesIn("sum(a_total) / on (instance) group_left b_total > 0")).toEqual(["a_total", "b_total"]);
  });

  test("parses, has the data source and instance variables, and every query names only series the broker exports", async () => {
    const dashboard = (await Bun.file(dashboardPath).json()) as Dashboard;
    expect(dashboard.uid).toBe("mesh-broker");
    const variables = new Map(dashboard.templating.list.map((v) => [v.name, v]));
    expect(variables.get("datasource")).toMatchObject({ type: "datasource", query: "prometheus" });
    expect(variables.get("instance")?.type).toBe("query");

    const exported = exportedNames(await (await fetch(`${suite.broker.baseUrl}/metrics`)).text());
    expect(exported.has("mesh_broker_build_info")).toBe(true);
    const panels = flat(dashboard.panels).filter((p) => p.type !== "row");
    expect(panels.length).toBeGreaterThan(10);
    const used = new Set<string>();
    for (const panel of panels) {
      expect({ panel: panel.title, datasource: panel.datasource?.uid }).toEqual({
        panel: panel.title,
        datasource: DATASOURCE_VARIABLE,
      });
      expect(panel.targets?.length ?? 0).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) {
        expect(target.datasource?.uid).toBe(DATASOURCE_VARIABLE);
        const series = seriesIn(target.expr);
        expect(series.length).toBeGreaterThan(0);
        for (const name of series) {
          used.add(name);
          expect({ panel: panel.title, series: name, exported: exported.has(name) }).toEqual({
            panel: panel.title,
            series: name,
            exported: true,
          });
        }
      }
    }
    // What the issue asks the dashboard to show.
    for (const name of [
      "mesh_broker_envelopes_pushed_total",
      "mesh_broker_envelopes_acknowledged_total",
      "mesh_broker_envelopes_redelivered_total",
      "mesh_broker_send_to_push_seconds_bucket",
      "mesh_broker_queue_oldest_undelivered_seconds",
      "mesh_broker_queue_depth",
      "mesh_broker_connections_active",
      "mesh_broker_messages_rejected_total",
      "mesh_broker_connections_rejected_total",
      "mesh_broker_db_healthy",
    ]) {
      expect(used.has(name)).toBe(true);
    }
  });
});
