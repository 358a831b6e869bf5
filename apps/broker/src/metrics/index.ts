export { BrokerMetrics, type PriorityLabel, type RetiredReason } from "./broker-metrics.ts";
