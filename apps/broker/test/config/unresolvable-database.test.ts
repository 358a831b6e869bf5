import { afterEach, expect, test } from "bun:test";
import { eventually, killLeftoverBrokers, runningBrokers, spawnBroker } from "../helpers/broker-process.ts";

afterEach(async () => {
  const leaked = runningBrokers();
  await killLeftoverBrokers();
  expect(leaked).toBe(0);
});

// On Kubernetes a broker often starts before its database's Service name
// resolves: that is an outage to wait out, not a configuration to give up on.
test("a broker whose DATABASE_URL host does not resolve yet keeps retrying instead of exiting", async () => {
  const broker = await spawnBroker({ DATABASE_URL: "postgres://mesh@nonexistent.invalid:5432/mesh" });
  const attempts = () => broker.logs.filter((l) => l.msg === "db ping failed").map((l) => Number(l.attempt));
  const retried = await eventually(async () => attempts().includes(4) || broker.process.exitCode !== null, 30_000);
  expect(broker.logs.map((l) => l.msg)).not.toContain("broker failed to start");
  expect(retried).toBe(true);
  expect(broker.process.exitCode).toBeNull();
  expect(attempts().slice(0, 4)).toEqual([1, 2, 3, 4]);
  const first = broker.logs.find((l) => l.msg === "db ping failed");
  expect(first).toMatchObject({ level: "warn", err: { code: "ENOTFOUND" } });
  expect(broker.logs.map((l) => l.msg)).not.toContain("broker listening");
  // Still starting: it leaves at once on SIGTERM.
  expect(await broker.stop()).toBe(0);
});
