/**
 * The only place test helpers read the environment: `DATABASE_URL` switches
 * every integration test from the embedded Postgres to that server.
 */
export const externalDatabaseUrl: string | undefined = process.env.DATABASE_URL || undefined;
