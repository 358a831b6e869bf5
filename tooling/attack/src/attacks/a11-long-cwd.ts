import { randomInt } from "node:crypto";
import { addMember, createMesh } from "../../../../apps/broker/test/helpers/mesh-fixtures.ts";
import type { Attack, Check } from "../attack.ts";
import { sayHello } from "../net/hello.ts";
import { describeAnswer, post } from "../net/http.ts";

/** Random characters of a range, so Postgres cannot compress the value under its index-row limit. */
function randomText(length: number, from: number, to: number): string {
  return Array.from({ length }, () => String.fromCodePoint(randomInt(from, to + 1))).join("");
}

/** Working directories inside the documented 4096 characters whose UTF-8 passes a btree index row (2704 bytes). */
const LONG_CWDS = [
  { label: "1000 CJK characters (3000 bytes)", cwd: () => `/w/${randomText(997, 0x4e00, 0x9fff)}` },
  { label: "4096 ASCII characters", cwd: () => `/${randomText(4095, 0x21, 0x7e)}` },
];

/**
 * A cwd the schema accepts (≤ 4096 characters) but whose UTF-8 is longer
 * than a btree index row may be: the insert of the presence or the pending
 * hook status fails inside Postgres.
 */
export const longCwd: Attack = {
  number: 11,
  key: "long-cwd",
  name: "long cwd",
  run: async (ctx) => {
    const target = await ctx.openTarget({ HOOK_ALLOW_ANONYMOUS: "true" });
    const mesh = await createMesh(target.sql, "long cwd mesh");
    const member = await addMember(target.sql, mesh, { displayName: "long-cwd" });
    const checks: Check[] = [];
    const figures: string[] = [];
    for (const { label, cwd: make } of LONG_CWDS) {
      const cwd = make();
      const hello = await sayHello(target.wsUrl, member, { cwd });
      const helloSaid = hello.admitted
        ? "hello_ack"
        : `error ${hello.code ?? "none"}, close ${hello.close?.code ?? "none"}`;
      await hello.socket.close();
      const hook = await post(`${target.httpUrl}/hook/set-status`, { cwd, pid: 4242, status: "working" });
      const helloInternal = !hello.admitted && (hello.code === "internal" || hello.close?.code === 1011);
      checks.push({
        name: `${label}: hello admitted or refused as malformed, never internal/1011`,
        ok: hello.admitted || (!helloInternal && hello.code !== undefined),
        detail: helloSaid,
      });
      checks.push({
        name: `${label}: tokenless hook answered 2xx or 4xx, never 500`,
        ok: hook.status >= 200 && hook.status < 500,
        detail: describeAnswer(hook),
      });
      figures.push(`hello ${hello.admitted ? "ack" : `${hello.code}/${hello.close?.code}`}, hook ${hook.status}`);
    }
    const control = await sayHello(target.wsUrl, member, { cwd: "/work/short" });
    await control.socket.close();
    checks.push({
      name: "a hello with a short cwd is still admitted",
      ok: control.admitted,
      detail: control.admitted ? "hello_ack" : `error ${control.code}`,
    });
    return { figure: figures.join("; "), checks, notes: [] };
  },
};
