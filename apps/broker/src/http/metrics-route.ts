import type { BrokerMetrics } from "../metrics/index.ts";
import type { Handler } from "./router.ts";

/** GET /metrics: the Prometheus text exposition of the broker's own registry. */
export function metricsHandler(metrics: BrokerMetrics): Handler {
  return async () =>
    new Response(await metrics.render(), {
      headers: { "content-type": metrics.contentType, "cache-control": "no-store" },
    });
}
