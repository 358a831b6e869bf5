import { randomBytes } from "node:crypto";
import { MeshClient } from "@mesh/sdk";
import { createMesh } from "../../../../apps/broker/test/helpers/mesh-fixtures.ts";
import type { Attack } from "../attack.ts";
import { runMesh } from "../cli/mesh-cli.ts";
import { cliInvite, homesFolder, type JoinedHome, joinWithCli } from "../cli/mesh-homes.ts";

/** What a command said last (its result, or its error after any runtime warnings). */
const lastLine = (text: string) => text.trim().split("\n").at(-1) ?? "";

/** An SDK session for a home the CLI joined, closed when the attack ends. */
function clientOf(home: JoinedHome, wsUrl: string): MeshClient {
  return new MeshClient({
    brokerUrl: wsUrl,
    meshId: home.membership.meshId,
    memberId: home.membership.memberId,
    identity: home.identity,
    meshRootKey: home.membership.rootKey,
    reconnect: false,
  });
}

/**
 * While bob is offline, a second member joins under the display name `bob`;
 * `mesh send --to bob` resolves names among live peers, so the message is
 * sealed for the impostor.
 */
export const nameSquatting: Attack = {
  number: 7,
  key: "name-squatting",
  name: "name squatting",
  run: async (ctx) => {
    const target = await ctx.openTarget({});
    const home = homesFolder(ctx.resources);
    const mesh = await createMesh(target.sql, "squatting mesh");
    const invite = await cliInvite(target.sql, mesh, target.wsUrl, 5);
    const alice = await joinWithCli(home("alice"), invite.link, "alice");
    const bob = await joinWithCli(home("bob"), invite.link, "bob");
    if (!alice.joined || !bob.joined)
      throw new Error(`alice or bob could not join: ${alice.run.stderr}${bob.run.stderr}`);
    const impostorJoin = await joinWithCli(home("impostor"), invite.link, "bob");
    if (!impostorJoin.joined) {
      const said = lastLine(impostorJoin.run.stderr || impostorJoin.run.stdout);
      return {
        figure: `a second "bob" was refused at join (exit ${impostorJoin.run.code})`,
        checks: [{ name: "the impostor cannot read a message sent to bob", ok: true, detail: `join refused: ${said}` }],
        notes: [],
      };
    }

    const impostor = ctx.resources.hold(clientOf(impostorJoin.joined, target.wsUrl), (c) => c.close());
    const read: string[] = [];
    impostor.onMessage((m) => {
      read.push(m.text);
    });
    await impostor.connect();
    const secret = `for bob only ${randomBytes(4).toString("hex")}`;
    const send = await runMesh(alice.joined.dir, ["send", "--to", "bob", "--priority", "now", secret]);
    // Proves the impostor's path live before trusting a silence: a later message from alice, by key.
    const aliceClient = ctx.resources.hold(clientOf(alice.joined, target.wsUrl), (c) => c.close());
    await aliceClient.connect();
    const marker = `marker ${randomBytes(4).toString("hex")}`;
    await aliceClient.send(impostorJoin.joined.identity.publicKey, marker, { priority: "now" });
    const deadline = performance.now() + 15_000;
    while (!read.includes(marker) && performance.now() < deadline) await Bun.sleep(50);
    if (!read.includes(marker)) throw new Error("the impostor never received the control message");
    const leaked = read.includes(secret);
    const sendSaid = lastLine(send.code === 0 ? send.stdout : send.stderr);
    return {
      figure: `second "bob" joined; send --to bob exit ${send.code}; impostor ${leaked ? "decrypted it" : "got nothing"}`,
      checks: [
        {
          name: "the impostor cannot read a message sent to bob",
          ok: !leaked,
          detail: `mesh send --to bob: exit ${send.code} (${sendSaid.slice(0, 120)}); impostor ${leaked ? "decrypted the message" : "did not receive it"}`,
        },
      ],
      notes: ["the second join under the name bob was accepted"],
    };
  },
};
