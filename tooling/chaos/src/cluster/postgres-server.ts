import { freePort } from "@mesh/db/testing";
import { openEmbeddedDatabase, openExternalDatabase } from "@mesh/harness";

/** The database every scenario of the run uses (each scenario owns its own mesh in it). */
export interface ChaosDatabase {
  url: string;
  /** Database name: a `pg_terminate_backend` must never reach another database's brokers. */
  name: string;
  kind: "embedded" | "external";
  /** Stops the embedded server and starts it again on the same port and folder; undefined with DATABASE_URL. */
  restart: (() => Promise<void>) | undefined;
  /** Drops the database (external) or stops the server and removes its folder (embedded). */
  close: () => Promise<void>;
}

const DATABASE = "mesh_chaos";

/**
 * A fresh database: on `externalUrl`'s server when given (created here,
 * dropped by `close`), else an embedded Postgres in a temp folder on a fixed
 * port, so it can be stopped and started again under running brokers.
 */
export async function openChaosDatabase(externalUrl: string | undefined): Promise<ChaosDatabase> {
  if (externalUrl) {
    const external = await openExternalDatabase(externalUrl, DATABASE);
    return { url: external.url, name: external.name, kind: "external", restart: undefined, close: external.drop };
  }
  const embedded = await openEmbeddedDatabase({
    tempDirPrefix: "mesh-chaos-pg",
    database: DATABASE,
    ephemeral: true,
    port: await freePort(),
  });
  return {
    url: embedded.server.url,
    name: DATABASE,
    kind: "embedded",
    restart: embedded.restart,
    close: embedded.close,
  };
}
