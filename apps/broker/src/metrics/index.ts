export { BrokerMetrics, type PriorityLabel } from "./broker-metrics.ts";
