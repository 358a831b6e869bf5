import { describe, expect, test } from "bun:test";
import { claudemeshProfileWarning, isClientProfile, parseClientProfile } from "./client-profile.ts";

describe("client profiles on the command line", () => {
  test("strict and claudemesh are profiles; nothing else is, in any case", () => {
    expect(parseClientProfile("strict")).toBe("strict");
    expect(parseClientProfile("claudemesh")).toBe("claudemesh");
    for (const bad of ["", "Strict", "CLAUDEMESH", "open", "plaintext", " strict"]) {
      expect(isClientProfile(bad)).toBe(false);
      expect(() => parseClientProfile(bad)).toThrow(expect.objectContaining({ code: "usage", exitCode: 2 }));
    }
  });

  test("the claudemesh warning names the mesh and says broadcasts are not encrypted", () => {
    const warning = claudemeshProfileWarning("demo");
    expect(warning).toContain("mesh demo");
    expect(warning).toContain("NOT encrypted");
  });
});
