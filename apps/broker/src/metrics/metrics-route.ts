import type { Handler } from "../server/router.ts";
import type { BrokerMetrics } from "./index.ts";

/** GET /metrics: the Prometheus text exposition of the broker's own registry. */
export function metricsHandler(metrics: BrokerMetrics): Handler {
  return async () =>
    new Response(await metrics.render(), {
      headers: { "content-type": metrics.contentType, "cache-control": "no-store" },
    });
}
