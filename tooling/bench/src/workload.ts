import type { Sql } from "@mesh/db";
import type { BrokerUnderTest } from "./broker-under-test.ts";
import type { ReportTable } from "./report.ts";
import type { ResourceUsage } from "./resource-usage.ts";
import type { BenchSizes } from "./sizes.ts";

/** What every workload is given. */
export interface WorkloadContext {
  /** A client on the bench database, for fixtures (meshes, members). */
  sql: Sql;
  broker: BrokerUnderTest;
  sizes: BenchSizes;
  /** Starts measuring broker/Postgres/load-generator CPU and broker RSS; the result function ends it. */
  measure: () => () => ResourceUsage;
  /** Like `measure`, for other broker processes (W5's own; W7's instances, their CPU summed). */
  measureFor: (brokerPids: readonly number[]) => () => ResourceUsage;
  /**
   * Starts another broker on the same database (W5 measures memory on a
   * fresh process, W7 runs several instances); the caller stops it.
   */
  startBroker: () => Promise<BrokerUnderTest>;
  /** The postmaster pid, when visible (for the Postgres CPU share). */
  postmasterPid: number | undefined;
  /** Progress lines (stderr), so a long run shows where it is. */
  progress: (line: string) => void;
}

/** A workload's printed table, its figures for the JSON file, and what went wrong. */
export interface WorkloadResult {
  name: string;
  table: ReportTable;
  figures: Record<string, unknown>;
  /** Harness failures (not missed targets): lost envelopes, error frames, stalls. */
  failures: string[];
}
