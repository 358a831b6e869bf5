import { describe, expect, test } from "bun:test";
import { isMeshSlug, parseMeshSlug } from "./mesh-slug.ts";

describe("mesh slugs", () => {
  test("accepts lowercase letters, digits and inner hyphens up to 63 characters", () => {
    for (const ok of ["a", "team-1", "0", "my-mesh-2026", "a".repeat(63)]) expect(isMeshSlug(ok)).toBe(true);
  });

  test("refuses upper case, other characters, edge hyphens and more than 63 characters", () => {
    for (const bad of ["", "Team", "a_b", "a b", "-a", "a-", "a.b", "ä", "a".repeat(64), "../x"]) {
      expect(isMeshSlug(bad)).toBe(false);
    }
  });

  test("parseMeshSlug throws a usage error (exit 2)", () => {
    expect(() => parseMeshSlug("Bad Slug")).toThrow(expect.objectContaining({ code: "usage", exitCode: 2 }));
    expect(parseMeshSlug("good")).toBe("good");
  });
});
