import { describe, expect, test } from "bun:test";
import { counterTotal } from "./broker-counter.ts";

const EXPOSITION = `# HELP broker_messages_routed_total Envelopes stored.
# TYPE broker_messages_routed_total counter
broker_messages_routed_total{priority="now"} 120
broker_messages_routed_total{priority="low"} 3
broker_messages_routed_total_extra 99
# TYPE broker_wake_notifications_received_total counter
broker_wake_notifications_received_total 7
`;

describe("counterTotal", () => {
  test("sums every label set of the named counter, and only of that name", () => {
    expect(counterTotal(EXPOSITION, "broker_messages_routed_total")).toBe(123);
    expect(counterTotal(EXPOSITION, "broker_wake_notifications_received_total")).toBe(7);
  });

  test("a counter that is not there is undefined, not zero", () => {
    expect(counterTotal(EXPOSITION, "broker_instances_reaped_total")).toBeUndefined();
  });
});
