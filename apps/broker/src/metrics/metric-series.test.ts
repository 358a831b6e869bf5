import { describe, expect, test } from "bun:test";
import { Registry } from "prom-client";
import { metricSeries } from "./metric-series.ts";

describe("metricSeries", () => {
  test("declares each series in its registry under the prefix, with its labels and buckets", async () => {
    const registry = new Registry();
    const series = metricSeries(registry, "p_");
    series.counter("sent_total", "Sent.", ["reason"] as const).inc({ reason: "x" });
    series.gauge("up", "Up.").set(1);
    series.histogram("wait_seconds", "Wait.", [0.5, 1]).observe(0.7);
    const text = await registry.metrics();
    expect(text).toContain('p_sent_total{reason="x"} 1');
    expect(text).toContain("# HELP p_up Up.\n# TYPE p_up gauge\np_up 1");
    expect(text).toContain('p_wait_seconds_bucket{le="0.5"} 0\np_wait_seconds_bucket{le="1"} 1');
  });
});
