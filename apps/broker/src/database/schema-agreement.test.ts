import { expect, test } from "bun:test";
import { meshes, messageQueue, presences, CLIENT_PROFILES as STORED_PROFILES } from "@mesh/db";
import { CLIENT_PROFILES, PRIORITIES, STATUSES } from "@mesh/shared";

// The tables keep their own copies of these lists (the db package does not depend on the wire
// protocol); this is where the two are held together.
test("the tables' enums are the wire protocol's", () => {
  expect([...STORED_PROFILES]).toEqual([...CLIENT_PROFILES]);
  expect(meshes.clientProfile.enumValues).toEqual([...CLIENT_PROFILES]);
  expect(presences.status.enumValues).toEqual([...STATUSES]);
  expect(messageQueue.priority.enumValues).toEqual([...PRIORITIES]);
});
