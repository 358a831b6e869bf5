export { freePort } from "../free-port.ts";
export { migrateTo } from "./migrate-to.ts";
export { type FinishedRun, runToExit } from "./run-to-exit.ts";
export { makeTempDir } from "./temp-dir.ts";
export { createTestDatabase, stopTestServer, type TestDatabase } from "./test-database.ts";
