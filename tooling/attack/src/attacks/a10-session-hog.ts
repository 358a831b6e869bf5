import { addMember, createMesh } from "../../../../apps/broker/test/helpers/mesh-fixtures.ts";
import type { Attack } from "../attack.ts";
import type { AttackSocket } from "../net/attack-socket.ts";
import { sayHello } from "../net/hello.ts";

const MESH_CAP = 20;
const MEMBER_CAP = 5;
const OTHERS = 3;

/**
 * One member opens session after session until the mesh is at
 * MAX_CONNECTIONS_PER_MESH: every other member is then refused `capacity`.
 */
export const sessionHog: Attack = {
  number: 10,
  key: "session-hog",
  name: "one member takes every session",
  run: async (ctx) => {
    const target = await ctx.openTarget({
      MAX_CONNECTIONS_PER_MESH: String(MESH_CAP),
      MAX_SESSIONS_PER_MEMBER: String(MEMBER_CAP),
    });
    const mesh = await createMesh(target.sql, "hogged mesh");
    const hog = await addMember(target.sql, mesh, { displayName: "hog" });
    const others = await Promise.all(
      Array.from({ length: OTHERS }, (_, i) => addMember(target.sql, mesh, { displayName: `other-${i}` })),
    );

    const held: AttackSocket[] = [];
    const refusals: string[] = [];
    for (let attempt = 0; attempt < MESH_CAP + 5 && refusals.length < 2; attempt++) {
      const outcome = await sayHello(target.wsUrl, hog);
      if (outcome.admitted) held.push(ctx.resources.hold(outcome.socket, (s) => s.close()));
      else {
        refusals.push(`${outcome.code ?? "no answer"}/${outcome.close?.code ?? "-"}`);
        await outcome.socket.close();
      }
    }
    const othersIn: string[] = [];
    for (const member of others) {
      const outcome = await sayHello(target.wsUrl, member);
      othersIn.push(outcome.admitted ? "admitted" : `${outcome.code ?? "no answer"}`);
      ctx.resources.hold(outcome.socket, (s) => s.close());
    }
    const admittedOthers = othersIn.filter((o) => o === "admitted").length;
    return {
      figure: `one member holds ${held.length}/${MESH_CAP} sessions; others admitted ${admittedOthers}/${OTHERS}`,
      checks: [
        {
          name: `MAX_SESSIONS_PER_MEMBER (${MEMBER_CAP}) stops one member`,
          ok: held.length <= MEMBER_CAP,
          detail: `${held.length} admitted, then ${refusals.join(", ") || "never refused"}`,
        },
        {
          name: "other members still get in",
          ok: admittedOthers === OTHERS,
          detail: othersIn.join(", "),
        },
      ],
      notes: [],
    };
  },
};
