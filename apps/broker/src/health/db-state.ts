/**
 * What the DB ping last found: Postgres answering and taking writes (`up`),
 * not answering (`down`), or answering but refusing every write
 * (`read_only`: `default_transaction_read_only`, or a standby after a
 * failover). Only `up` is healthy: in the other two every send would fail.
 */
export type DbState = "up" | "down" | "read_only";

/** The ping query's one row. */
export interface PingRow {
  /** `current_setting('transaction_read_only') = 'on'`: this session's transactions refuse writes. */
  read_only: boolean;
  /** `pg_is_in_recovery()`: the server is a standby (or still replaying WAL). */
  in_recovery: boolean;
}

/** The state a ping's row says; a ping that returned no row proves nothing, so it counts as `down`. */
export function dbStateOf(row: PingRow | undefined): DbState {
  if (!row) return "down";
  return row.read_only || row.in_recovery ? "read_only" : "up";
}
