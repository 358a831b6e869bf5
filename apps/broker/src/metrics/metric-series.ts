import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** Send-frame-to-commit latency buckets: 1 ms to 2.5 s. */
export const SEND_COMMIT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** Hook handling time buckets: 1 ms to 1 s. */
export const HOOK_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/**
 * Declares series in `registry`, every name under `prefix`: each declaration
 * then says only its name, help, labels (and buckets).
 */
export function metricSeries(registry: Registry, prefix: string) {
  const registers = [registry];
  return {
    counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
      return new Counter({ name: `${prefix}${name}`, help, labelNames, registers });
    },
    gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
      return new Gauge({ name: `${prefix}${name}`, help, labelNames, registers });
    },
    histogram<L extends string>(
      name: string,
      help: string,
      buckets: readonly number[],
      labelNames: readonly L[] = [],
    ): Histogram<L> {
      return new Histogram({ name: `${prefix}${name}`, help, buckets: [...buckets], labelNames, registers });
    },
  };
}
