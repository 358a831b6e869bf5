import { expect, test } from "bun:test";
import { createLogger, REDACTED, REDACTED_FIELDS } from "./logger.ts";

function capture(): { lines: Record<string, unknown>[]; stream: { write: (s: string) => void } } {
  const lines: Record<string, unknown>[] = [];
  return { lines, stream: { write: (s: string) => lines.push(JSON.parse(s) as Record<string, unknown>) } };
}

test("tokens, signatures and ciphertext are redacted at the top level and one object down", () => {
  const { lines, stream } = capture();
  const log = createLogger("info", {}, stream);
  const secrets = Object.fromEntries(REDACTED_FIELDS.map((f) => [f, `secret-${f}`]));
  log.info({ ...secrets, frame: { ...secrets, type: "send" }, cwd: "/repo" }, "event");
  const [line] = lines;
  const text = JSON.stringify(line);
  expect(text).not.toContain("secret-");
  expect(line).toMatchObject({ ciphertext: REDACTED, cwd: "/repo", frame: { signature: REDACTED, type: "send" } });
});

test("a child logger's ids are on every line it writes, with the level as a name and an ISO time", () => {
  const { lines, stream } = capture();
  const session = createLogger("info", {}, stream).child({ mesh_id: "m", member_id: "u", presence_id: "p" });
  session.warn({ code: 1006 }, "ws close");
  expect(lines[0]).toMatchObject({
    level: "warn",
    service: "mesh-broker",
    mesh_id: "m",
    member_id: "u",
    presence_id: "p",
    code: 1006,
    msg: "ws close",
  });
  expect(Number.isNaN(Date.parse(String(lines[0]?.time)))).toBe(false);
});
