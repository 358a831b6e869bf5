import { afterAll } from "bun:test";
import { stopTestServer } from "@mesh/db/testing";

// Hooks in a preload are global: this runs once, after every test file.
afterAll(async () => {
  await stopTestServer();
});
