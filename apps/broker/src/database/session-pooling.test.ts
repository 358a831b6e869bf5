import { describe, expect, test } from "bun:test";
import { type BackendSighting, PROBE_ORDER, sessionPoolingViolation } from "./session-pooling.ts";

const seen = (...pids: number[]): BackendSighting[] =>
  PROBE_ORDER.map((connection, i) => ({ connection, pid: pids[i] ?? Number.NaN }));

describe("sessionPoolingViolation", () => {
  test("session-level connections: each client keeps its own server process", () => {
    expect(sessionPoolingViolation(seen(101, 202, 101, 101, 202))).toBeUndefined();
  });

  test("a pooler handing out the last used server connection: both clients land on one", () => {
    expect(sessionPoolingViolation(seen(101, 101, 101, 101, 101))).toBe(
      "two client connections open at once were served by one Postgres session (pid 101)",
    );
  });

  test("a pooler taking server connections in turn: the first client moves", () => {
    // Two servers handed out alternately: first, second, first, then first again gets the other one.
    expect(sessionPoolingViolation(seen(101, 202, 101, 202, 101))).toBe(
      "one client connection was served by two Postgres sessions (pid 101, then 202)",
    );
  });

  test("however a round-robin over n server connections turns, the probe order catches it", () => {
    for (let servers = 1; servers <= 6; servers++) {
      for (let offset = 0; offset < servers; offset++) {
        const pids = PROBE_ORDER.map((_, step) => 100 + ((step + offset) % servers));
        expect(sessionPoolingViolation(seen(...pids))).toBeDefined();
      }
    }
  });
});
