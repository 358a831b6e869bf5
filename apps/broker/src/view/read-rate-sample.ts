import type { Sql } from "@mesh/db";
import type { RateSample } from "./view-rates.ts";

/**
 * One sample for the rates: the queue's row-id sequence (every row stored
 * so far, on any instance; no table is read) and the rows marked delivered
 * in the last `windowMs` (a range of `message_queue_delivered_at_idx`).
 */
export async function readRateSample(sql: Sql, windowMs: number): Promise<RateSample> {
  const [row] = await sql<{ stored: string | null; delivered: number }[]>`
    select pg_sequence_last_value(pg_get_serial_sequence('mesh.message_queue', 'id')::regclass)::text as stored,
           (select count(*) from mesh.message_queue
            where delivered_at > now() - make_interval(secs => ${windowMs / 1000}))::int as delivered`;
  return { at: Date.now(), stored: Number(row?.stored ?? 0), deliveredInWindow: row?.delivered ?? 0, windowMs };
}
