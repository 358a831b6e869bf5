import { describe, expect, test } from "bun:test";
import { MeshHome } from "@mesh/sdk";
import { eventually } from "../../../apps/broker/test/helpers/broker-process.ts";
import { useBrokerSuite } from "../../../apps/broker/test/helpers/broker-suite.ts";
import { addMember, type TestMember } from "../../../apps/broker/test/helpers/mesh-fixtures.ts";
import { sessionHelloFor } from "../../../apps/broker/test/helpers/session-hello.ts";
import { connect } from "../../../apps/broker/test/helpers/ws-client.ts";
import { useSdkClients } from "../../sdk/test/helpers/sdk-clients.ts";
import { useCliMesh } from "./helpers/cli-mesh.ts";
import type { CliProcess } from "./helpers/mesh-cli.ts";

/*
 * `mesh send --to NAME` against a squatter (docs/protocol.md#join-endpoint):
 * while bob is offline nobody else can join as bob, and a send to bob is
 * refused (`unknown_name`) instead of reaching whoever bears the name; a
 * member with several sessions is one target; a name several members answer
 * to (a broker that does not keep names unique) is refused.
 */

const suite = useBrokerSuite({});
const sdk = useSdkClients(suite);
const slug = `nm-${Date.now().toString(36)}`;
const cliMesh = useCliMesh(suite, {
  dir: "mesh-cli-names",
  slug,
  name: "Names",
  agents: ["alice", "bob"],
  others: ["mallory"],
  uses: 5,
});
const { homes, pubkeys } = cliMesh;
const cli = cliMesh.run;
const listen = (who: "alice" | "bob" | "mallory"): CliProcess => cliMesh.listen(who, ["--json"]);

async function liveSessions(pubkey: string): Promise<number> {
  const [row] = await suite.sql<{ n: number }[]>`
    select count(*)::int as n from mesh.presence p join mesh.member m on m.id = p.member_id
    where m.pubkey = ${pubkey} and p.disconnected_at is null`;
  return row?.n ?? 0;
}

/** The listener's line for `text`. */
const messageLine = (listener: CliProcess, text: string) =>
  listener.waitForLine((l) => (JSON.parse(l) as { text?: string }).text === text, 20_000);

describe("mesh send --to NAME", () => {
  test("while bob is offline nobody else can join as bob, and a send to bob is refused, not misdelivered", async () => {
    for (const name of ["bob", "BOB"]) {
      const squat = await cli("mallory", ["join", cliMesh.link, "--name", name, "--json"]);
      expect(squat.code).toBe(1);
      expect(squat.json()[0]).toMatchObject({ ok: false, error: "name_taken" });
    }
    const joined = await cli("mallory", ["join", cliMesh.link, "--name", "mallory", "--json"]);
    expect(joined.code).toBe(0);
    pubkeys.mallory = String(joined.json()[0]?.pubkey);
    const mallory = listen("mallory");
    expect(await eventually(async () => (await liveSessions(pubkeys.mallory ?? "")) === 1, 20_000)).toBe(true);
    expect(await liveSessions(pubkeys.bob ?? "")).toBe(0);

    const sent = await cli("alice", ["send", "--to", "bob", "--priority", "now", "--json", "for bob's eyes only"]);
    expect(sent.code).toBe(1);
    expect(sent.json()[0]).toMatchObject({ ok: false, error: "unknown_name" });
    expect(sent.stderr).toContain("no live session is named");

    // The path to mallory is live: a marker reaches her, and nothing meant for bob came before it.
    expect((await cli("alice", ["send", "--to", "mallory", "--priority", "now", "marker"])).code).toBe(0);
    const marker = await messageLine(mallory, "marker");
    expect(mallory.lines.slice(0, mallory.lines.indexOf(marker))).toEqual([]);
  });

  test("a member with two live sessions, one under a session key of its own, is one target, in any case", async () => {
    const bobListen = listen("bob");
    const home = new MeshHome(homes.bob);
    const identity = home.identity();
    if (!identity) throw new Error("bob has no identity");
    const bob: TestMember = {
      id: home.membership(slug).memberId,
      meshId: cliMesh.mesh.id,
      displayName: "bob",
      keys: identity,
    };
    await using launched = await connect(suite.broker.port);
    launched.send(sessionHelloFor(bob).frame);
    await launched.next("hello_ack");
    expect(await eventually(async () => (await liveSessions(pubkeys.bob ?? "")) === 2, 20_000)).toBe(true);

    const sent = await cli("alice", ["send", "--to", "BOB", "--priority", "now", "--json", "to bob, however many"]);
    expect(sent.code).toBe(0);
    expect(sent.json()[0]).toMatchObject({ ok: true, recipients: 1 });
    await messageLine(bobListen, "to bob, however many");
  });

  test("a name two members answer to (a broker that does not keep names unique) is refused: ambiguous_name", async () => {
    // As on a database from before migration 0008 (or another broker): nothing keeps names apart.
    await suite.sql`drop index mesh.member_mesh_display_name_uq`;
    const daves = [await addMember(suite.sql, cliMesh.mesh, { displayName: "dave" })];
    daves.push(await addMember(suite.sql, cliMesh.mesh, { displayName: "Dave" }));
    for (const dave of daves) await sdk(cliMesh.mesh, dave).connect();

    const sent = await cli("alice", ["send", "--to", "dave", "--priority", "now", "--json", "which dave?"]);
    expect(sent.code).toBe(1);
    expect(sent.json()[0]).toMatchObject({ ok: false, error: "ambiguous_name" });
  });
});
