export { BrokerMetrics } from "./broker-metrics.ts";
export type {
  HookResultLabel,
  JoinOutcomeLabel,
  PriorityLabel,
  PushMode,
  QueueGauges,
  RetiredReason,
  SessionCloseCause,
} from "./metric-labels.ts";
export { requestOutcome } from "./request-outcome.ts";
