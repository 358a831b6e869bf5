import { expect, test } from "bun:test";
import { generateEd25519KeyPair } from "@mesh/shared";
import { eventually } from "../helpers/broker-process.ts";
import { useBrokerSuite } from "../helpers/broker-suite.ts";

const suite = useBrokerSuite({ SWEEP_INTERVAL_MS: "200" });

test("the retention sweep forgets signed admin requests past the replay window and keeps the recent ones", async () => {
  const signer = generateEd25519KeyPair().publicKey;
  await suite.sql`insert into mesh.admin_request_seen (signer_pubkey, request_timestamp, seen_at) values
    (${signer}, 1, now() - interval '10 minutes'), (${signer}, 2, now() - interval '1 minute')`;
  const timestamps = async () =>
    (
      await suite.sql<{ t: string }[]>`select request_timestamp::text as t from mesh.admin_request_seen
                                       where signer_pubkey = ${signer} order by 1`
    ).map((r) => r.t);
  expect(await eventually(async () => !(await timestamps()).includes("1"), 15_000)).toBe(true);
  // The one inside the window (five minutes) is still there after the sweep that took the old one.
  expect(await timestamps()).toEqual(["2"]);
});
