import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MeshHome } from "./mesh-home.ts";

/*
 * Existing homes must keep loading: each file below is byte for byte what
 * the client wrote before the stores were split (two-space JSON, fields in
 * this order, a final newline). The new stores read these and write the
 * same bytes back.
 */

const identityJson = `{
  "publicKey": "0fc2b8cfea7fa4595559213963398dc23e00c7dab89acd91239f606a35f95167",
  "secretKey": "6ffd4103a5a17a34108c78bdb6d2043fbdac274592e0549cb6bebb088e328022",
  "createdAt": "2025-01-01T00:00:00.000Z"
}
`;

const meshesJson = `{
  "meshes": [
    {
      "meshId": "m1",
      "slug": "team",
      "memberId": "u1",
      "brokerUrl": "wss://broker.example/ws",
      "rootKey": "cm9vdA==",
      "role": "member",
      "displayName": "Ada",
      "joinedAt": "2025-01-02T03:04:05.000Z"
    }
  ]
}
`;

const ownerJson = `{
  "meshId": "m1",
  "slug": "team",
  "publicKey": "abababababababababababababababababababababababababababababababab",
  "secretKey": "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
  "rootKey": "cm9vdA==",
  "createdAt": "2025-01-01T00:00:00.000Z"
}
`;

/** A session record held by this very process, so it counts as alive. */
const sessionJson = `{
  "meshId": "m1",
  "brokerUrl": "wss://broker.example/ws",
  "cwd": "/projects/demo",
  "pid": 4242,
  "holderPid": ${process.pid},
  "presenceId": "p-1",
  "hookToken": "tok",
  "status": "working",
  "updatedAt": "2025-01-02T03:04:05.000Z"
}
`;

const statusRequestJson = `{
  "status": "dnd",
  "requestedAt": "2025-01-02T03:04:06.000Z"
}
`;

const files: Record<string, string> = {
  "identity.json": identityJson,
  "meshes.json": meshesJson,
  "owners/team.json": ownerJson,
  "sessions/p-1.session.json": sessionJson,
  "sessions/p-1.status-request.json": statusRequestJson,
};

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mesh-home-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeOldHome(): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

const read = (name: string) => readFileSync(join(dir, name), "utf8");

describe("a MESH_HOME written by the earlier client", () => {
  test("loads through the split stores", () => {
    writeOldHome();
    const home = new MeshHome(dir);
    const { publicKey, secretKey } = JSON.parse(identityJson) as { publicKey: string; secretKey: string };
    expect(home.identity()).toEqual({ publicKey, secretKey });
    expect(home.identityOrCreate()).toEqual({ publicKey, secretKey });
    expect(home.memberships()).toEqual(JSON.parse(meshesJson).meshes);
    expect(home.membership().slug).toBe("team");
    expect(home.owner("team")).toEqual(JSON.parse(ownerJson));
    expect(home.sessions()).toEqual([JSON.parse(sessionJson)]);
    expect(home.takeStatusRequest("p-1")).toEqual(JSON.parse(statusRequestJson));
    expect(home.takeStatusRequest("p-1")).toBeUndefined();
  });

  test("is written back byte for byte by the split stores", () => {
    writeOldHome();
    const old = new MeshHome(dir);
    const values = {
      membership: old.membership(),
      owner: old.owner("team"),
      session: old.sessions()[0],
      request: old.takeStatusRequest("p-1"),
    };
    rmSync(dir, { recursive: true, force: true });

    const home = new MeshHome(dir);
    if (!values.owner || !values.session || !values.request) throw new Error("the old home did not load");
    home.saveMembership(values.membership);
    home.saveOwner(values.owner);
    home.saveSession(values.session);
    home.requestStatus("p-1", values.request);
    expect(read("meshes.json")).toBe(meshesJson);
    expect(read("owners/team.json")).toBe(ownerJson);
    expect(read("sessions/p-1.session.json")).toBe(sessionJson);
    expect(read("sessions/p-1.status-request.json")).toBe(statusRequestJson);
  });

  test("a new identity is written in the same shape", () => {
    const pair = new MeshHome(dir).identityOrCreate();
    const stored = JSON.parse(read("identity.json")) as Record<string, string>;
    expect(Object.keys(stored)).toEqual(Object.keys(JSON.parse(identityJson)));
    expect(stored).toMatchObject(pair);
    expect(read("identity.json")).toBe(`${JSON.stringify(stored, null, 2)}\n`);
  });
});

describe("MeshHome", () => {
  test("forgetting a session removes its record and its pending status request", () => {
    writeOldHome();
    const home = new MeshHome(dir);
    expect(home.sessions()).toHaveLength(1);
    home.forgetSession("p-1");
    expect(home.sessions()).toEqual([]);
    expect(home.takeStatusRequest("p-1")).toBeUndefined();
  });

  test("names that could leave their folder are refused", () => {
    const home = new MeshHome(dir);
    expect(() => home.forgetSession("../x")).toThrow("unexpected presence id");
    expect(() => home.owner("../x")).toThrow("is not a mesh slug");
  });
});
