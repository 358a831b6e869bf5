import { expect, test } from "bun:test";
import { dbStateOf } from "./db-state.ts";

test.each([
  [{ read_only: false, in_recovery: false }, "up"],
  // ALTER DATABASE … SET default_transaction_read_only = on, or ALTER SYSTEM on the whole server.
  [{ read_only: true, in_recovery: false }, "read_only"],
  // A hot standby: its transactions are read-only as well, either flag is enough.
  [{ read_only: true, in_recovery: true }, "read_only"],
  [{ read_only: false, in_recovery: true }, "read_only"],
  [undefined, "down"],
] as const)("%j is %s", (row, state) => {
  expect(dbStateOf(row)).toBe(state);
});
