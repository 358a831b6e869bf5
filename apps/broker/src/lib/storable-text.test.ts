import { describe, expect, test } from "bun:test";
import { unstorableTextPath } from "./storable-text.ts";

describe("unstorableTextPath", () => {
  test("plain text, emoji, RTL marks and paired surrogates are storable", () => {
    expect(unstorableTextPath({ cwd: "/home/a", id: "😀\u202eabc", n: 1, list: ["x", null] })).toBeUndefined();
  });

  test("names the first field holding NUL or a lone surrogate", () => {
    expect(unstorableTextPath({ cwd: "/a\u0000b" })).toBe("cwd");
    expect(unstorableTextPath({ id: "\ud800" })).toBe("id");
    expect(unstorableTextPath({ id: "x\udc00" })).toBe("id");
    expect(unstorableTextPath({ features: ["ok", "\udfff\ud800"] })).toBe("features[1]");
    expect(unstorableTextPath({ invite_payload: { mesh_id: "\u0000" } })).toBe("invite_payload.mesh_id");
    expect(unstorableTextPath("\u0000")).toBe("value");
  });

  test("skipped top-level keys are not looked at", () => {
    expect(unstorableTextPath({ _reqId: "\u0000", type: "list_peers" }, new Set(["_reqId"]))).toBeUndefined();
  });

  test("walks very deep values without recursion", () => {
    let deep: unknown = "\u0000";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(unstorableTextPath(deep)).toMatch(/^(\[0\]){100000}$/);
  });
});
