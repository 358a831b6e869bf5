import { expect, test } from "bun:test";
import { parseDockerfile } from "./dockerfile.ts";

/** `${NAME}` as a Dockerfile writes it. */
const ref = (name: string) => `$${"{"}${name}}`;

test("a FROM line takes the defaults of the ARGs declared before the first FROM", () => {
  const parsed = parseDockerfile(
    [
      "ARG BUN_VERSION=1.4.5",
      "ARG DISTRO=slim",
      `FROM oven/bun:${ref("BUN_VERSION")}-$DISTRO AS runtime`,
      "ARG GIT_SHA",
    ].join("\n"),
  );
  expect(parsed.globalArgs).toEqual({ BUN_VERSION: "1.4.5", DISTRO: "slim" });
  expect(parsed.stages).toEqual([{ name: "runtime", image: "oven/bun:1.4.5-slim" }]);
  expect(parsed.instructions.at(-1)).toEqual({ stage: "runtime", keyword: "ARG", args: "GIT_SHA" });
});

test("a FROM line using an ARG without a default, or declared only inside a stage, is refused", () => {
  expect(() => parseDockerfile(`ARG BUN_VERSION\nFROM oven/bun:${ref("BUN_VERSION")}`)).toThrow(
    /BUN_VERSION has no default/,
  );
  expect(() => parseDockerfile(`FROM node:22 AS a\nARG TAG=1\nFROM node:${ref("TAG")}`)).toThrow(/TAG has no default/);
});
