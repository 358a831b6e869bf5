import { describe, expect, test } from "bun:test";
import { parseBearerToken } from "./bearer-token.ts";

describe("parseBearerToken", () => {
  test("reads the token of a Bearer header, whatever the scheme's case", () => {
    expect(parseBearerToken("Bearer abc_-123")).toEqual({ kind: "token", token: "abc_-123" });
    expect(parseBearerToken("bearer abc")).toEqual({ kind: "token", token: "abc" });
    expect(parseBearerToken("  BEARER   abc ")).toEqual({ kind: "token", token: "abc" });
  });

  test("no header or an empty one is no token", () => {
    expect(parseBearerToken(null)).toEqual({ kind: "none" });
    expect(parseBearerToken("")).toEqual({ kind: "none" });
    expect(parseBearerToken("   ")).toEqual({ kind: "none" });
  });

  test("anything else is malformed", () => {
    for (const header of ["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer a b", "Bearerabc", "abc"]) {
      expect({ header, parsed: parseBearerToken(header) }).toEqual({ header, parsed: { kind: "malformed" } });
    }
    expect(parseBearerToken(`Bearer ${"a".repeat(513)}`)).toEqual({ kind: "malformed" });
    expect(parseBearerToken(`Bearer ${"a".repeat(512)}`).kind).toBe("token");
  });
});
