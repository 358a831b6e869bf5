import { describe, expect, test } from "bun:test";
import { formatAge, formatColumns, formatSeconds, formatTable, plural } from "./table.ts";

describe("formatTable", () => {
  test("aligns columns under the header, right-aligns counts, trims trailing spaces", () => {
    const text = formatTable(
      ["NAME", "SESSIONS", "LAST SEEN"],
      [
        ["alice", "1", "3m"],
        ["bob-the-builder", "12", "-"],
      ],
      new Set([1]),
    );
    expect(text.split("\n")).toEqual([
      "NAME             SESSIONS  LAST SEEN",
      "alice                   1  3m",
      "bob-the-builder        12  -",
    ]);
  });

  test("escapes what a terminal would act on before measuring it", () => {
    const [, row] = formatTable(["NAME", "X"], [["a\u001b[2Jb", "1"]]).split("\n");
    expect(row).toBe("a\\u001b[2Jb  1");
  });
});

describe("formatColumns", () => {
  test("each column's header over its cells, the right-aligned ones as formatTable aligns them", () => {
    const items = [
      { name: "alice", sessions: 1 },
      { name: "bob-the-builder", sessions: 12 },
    ];
    const text = formatColumns<(typeof items)[number]>(
      [
        ["NAME", (i) => i.name],
        ["SESSIONS", (i) => String(i.sessions), "right"],
      ],
      items,
    );
    expect(text).toBe(
      formatTable(
        ["NAME", "SESSIONS"],
        [
          ["alice", "1"],
          ["bob-the-builder", "12"],
        ],
        new Set([1]),
      ),
    );
    expect(text.split("\n")[2]).toBe("bob-the-builder        12");
  });
});

describe("ages", () => {
  const now = Date.parse("2026-12-01T12:00:00Z");
  test("seconds, minutes, hours, days; the future reads `in`; null reads -", () => {
    expect([0, 59, 60, 3599, 3600, 86_399, 86_400 * 3].map(formatSeconds)).toEqual([
      "0s",
      "59s",
      "1m",
      "59m",
      "1h",
      "23h",
      "3d",
    ]);
    expect(formatAge("2026-12-01T11:57:00Z", now)).toBe("3m");
    expect(formatAge("2026-12-02T11:00:00Z", now)).toBe("in 23h");
    expect(formatAge(null, now)).toBe("-");
  });

  test("plural", () => {
    expect([plural(1, "member"), plural(2, "member"), plural(0, "mesh", "meshes")]).toEqual([
      "1 member",
      "2 members",
      "0 meshes",
    ]);
  });
});
