export { freePort } from "../free-port.ts";
export { makeTempDir } from "./temp-dir.ts";
export { createTestDatabase, stopTestServer, type TestDatabase } from "./test-database.ts";
