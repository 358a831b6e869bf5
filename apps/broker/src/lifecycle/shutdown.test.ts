import { expect, test } from "bun:test";
import { createLogger } from "../lib/logger.ts";
import { runShutdown, SHUTDOWN_STEP_LIMITS_MS, type ShutdownSteps } from "./shutdown.ts";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger("info", {}, { write: (s: string) => lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { lines, log };
}

/** Steps that record the order they ran in; `override` replaces some with hanging or failing ones. */
function recordingSteps(ran: string[], override: Partial<ShutdownSteps> = {}): ShutdownSteps {
  return {
    stopSweepers: async () => {
      ran.push("stopSweepers");
    },
    closeSessions: () => {
      ran.push("closeSessions");
    },
    markPresencesDisconnected: async () => {
      ran.push("markPresencesDisconnected");
      return 2;
    },
    stopListening: async () => {
      ran.push("stopListening");
    },
    releaseResources: async () => {
      ran.push("releaseResources");
    },
    ...override,
  };
}

const ORDER = ["stopSweepers", "closeSessions", "markPresencesDisconnected", "stopListening", "releaseResources"];
const SHORT = {
  stopSweepers: 60,
  closeSessions: 60,
  markPresencesDisconnected: 60,
  stopListening: 60,
  releaseResources: 60,
};

test("a step stuck on a database that went away is left behind at its limit, a failing one is logged, and the rest still run in order", async () => {
  const ran: string[] = [];
  const { lines, log } = capture();
  const hang = () => new Promise<never>(() => {});
  const started = performance.now();
  await runShutdown(
    recordingSteps(ran, {
      stopSweepers: hang,
      closeSessions: () => {
        ran.push("closeSessions");
        throw new Error("socket already gone");
      },
      markPresencesDisconnected: async () => {
        ran.push("markPresencesDisconnected");
        return hang();
      },
    }),
    log,
    SHORT,
  );
  const took = performance.now() - started;
  expect(ran).toEqual(ORDER.filter((s) => s !== "stopSweepers"));
  expect(took).toBeGreaterThanOrEqual(2 * 60 - 5);
  expect(took).toBeLessThan(5000);
  expect(lines.map((l) => [l.msg, l.step])).toEqual([
    ["shutdown step timed out: going on without it", "stop sweepers"],
    ["shutdown step failed", "close sessions"],
    ["shutdown step timed out: going on without it", "mark presences disconnected"],
    ["shutdown step done", "stop listening"],
    ["shutdown step done", "release resources"],
  ]);
});

test("the limits add up to well under the 10 s DEPLOY.md asks operators to allow before SIGKILL", () => {
  const total = Object.values(SHUTDOWN_STEP_LIMITS_MS).reduce((a, b) => a + b, 0);
  expect(total).toBeLessThanOrEqual(8000);
});
