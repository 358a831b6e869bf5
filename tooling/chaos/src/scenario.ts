import type { Sql } from "@mesh/db";
import type { DeliveryCounts } from "./app-counter.ts";
import type { ScenarioNumber } from "./args.ts";
import type { BrokerSettings } from "./cluster/broker-process.ts";
import type { ChaosDatabase } from "./cluster/postgres-server.ts";

/** Stream sizes: quick for CI, full for the real run. */
export interface StreamSizes {
  senders: number;
  receivers: number;
  sendsPerSender: number;
  intervalMs: number;
  /** Every n-th send of a sender is a broadcast. */
  broadcastEvery: number;
  /** How long a send may stay unanswered across reconnects. */
  sendTimeoutMs: number;
  /** After the last send settled, how long every acked envelope gets to reach its recipients. */
  convergeMs: number;
}

export const QUICK_SIZES: StreamSizes = {
  senders: 3,
  receivers: 3,
  sendsPerSender: 80,
  intervalMs: 30,
  broadcastEvery: 8,
  sendTimeoutMs: 30_000,
  convergeMs: 40_000,
};

export const FULL_SIZES: StreamSizes = {
  senders: 4,
  receivers: 4,
  sendsPerSender: 400,
  intervalMs: 20,
  broadcastEvery: 8,
  sendTimeoutMs: 60_000,
  convergeMs: 60_000,
};

/** What every scenario gets from the run. */
export interface ScenarioContext {
  sizes: StreamSizes;
  database: ChaosDatabase;
  /** The harness's own connection (fixtures, faults, diagnostics). */
  sql: Sql;
  /** Broker settings for a broker named `name` in this scenario. */
  brokerSettings: (name: string) => BrokerSettings;
  progress: (line: string) => void;
}

/** One scenario-specific expectation beyond lost and duplicated. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** One row of the table. */
export interface ScenarioResult {
  number: number;
  name: string;
  verdict: "ok" | "FAIL" | "skipped";
  counts: DeliveryCounts | undefined;
  checks: Check[];
  /** Facts worth a line under the table (fault timings, refusals seen). */
  notes: string[];
  /** For a red row: what was lost, and the queue rows behind it. */
  diagnostics: Record<string, unknown>;
  seconds: number;
}

/** A scenario of the list. */
export interface Scenario {
  number: ScenarioNumber;
  name: string;
  run: (ctx: ScenarioContext) => Promise<ScenarioResult>;
}
