import type { Sql } from "@mesh/db";

/** One probe statement: which of the two probe connections ran it, and the server process that answered. */
export interface BackendSighting {
  connection: "first" | "second";
  pid: number;
}

/**
 * The order the probe connections ask in. One pooler policy cannot satisfy
 * both session invariants over it: handing out the most recently used server
 * connection (PgBouncer's default) gives the second connection the first one's
 * server; handing them out in turn (`server_round_robin`) moves `first` to
 * another server within its three statements.
 */
export const PROBE_ORDER = ["first", "second", "first", "first", "second"] as const;

/**
 * Why the sightings prove the connections are not session-level, or
 * undefined when they are consistent with it. On a session-level connection
 * (Postgres itself, or a pooler in session mode) every statement of one
 * client connection runs in one server process, and two client connections
 * open together never share one; a pooler in transaction or statement mode
 * breaks one or the other as soon as two clients take turns.
 */
export function sessionPoolingViolation(sightings: readonly BackendSighting[]): string | undefined {
  const pidOf = new Map<BackendSighting["connection"], number>();
  for (const { connection, pid } of sightings) {
    const earlier = pidOf.get(connection);
    if (earlier !== undefined && earlier !== pid) {
      return `one client connection was served by two Postgres sessions (pid ${earlier}, then ${pid})`;
    }
    pidOf.set(connection, pid);
    for (const [other, otherPid] of pidOf) {
      if (other !== connection && otherPid === pid) {
        return `two client connections open at once were served by one Postgres session (pid ${pid})`;
      }
    }
  }
  return undefined;
}

/** The broker is connected through a pooler that does not keep a client on one server session. */
export class TransactionPoolingError extends Error {
  /** Stable, for log searches and tests. */
  readonly code = "transaction_pooling";

  constructor(evidence: string) {
    super(
      `DATABASE_URL leads to a connection pooler in transaction or statement mode: ${evidence}. ` +
        "The broker needs session-level connections (its wake-ups LISTEN on one, migrations hold a session " +
        "advisory lock): set pool_mode = session in PgBouncer, or connect to Postgres directly",
    );
    this.name = "TransactionPoolingError";
  }
}

/**
 * Refuses connections a pooler shares per transaction, before anything
 * relies on session state: through such a pooler wake-ups from other
 * instances never arrive and the migrations' advisory lock stays behind on a
 * pooled server connection, hanging the next start. Two connections of the
 * pool are reserved and ask, in `PROBE_ORDER`, which server process answers.
 * The probe statements are not prepared, so they need no session state themselves.
 */
export async function assertSessionPooling(sql: Sql): Promise<void> {
  const first = await sql.reserve();
  try {
    const second = await sql.reserve();
    try {
      const sightings: BackendSighting[] = [];
      for (const connection of PROBE_ORDER) {
        const reserved = connection === "first" ? first : second;
        const [row] = await reserved.unsafe<{ pid: number }[]>("select pg_backend_pid() as pid", [], {
          prepare: false,
        });
        sightings.push({ connection, pid: Number(row?.pid) });
      }
      const violation = sessionPoolingViolation(sightings);
      if (violation) throw new TransactionPoolingError(violation);
    } finally {
      second.release();
    }
  } finally {
    first.release();
  }
}
