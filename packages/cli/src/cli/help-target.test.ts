import { describe, expect, test } from "bun:test";
import type { Command } from "./command.ts";
import { commandWords, helpTarget } from "./help-target.ts";

const command = (name: string): Command => ({ name, summary: name, options: {}, run: () => 0 });
const commands = [command("send"), command("admin invite"), command("admin meshes"), command("hook")];

describe("helpTarget", () => {
  test("no words: the overall help", () => {
    expect(helpTarget(commands, [])).toEqual({ kind: "overall" });
  });

  test("a command's full name: that command", () => {
    expect(helpTarget(commands, ["send"])).toMatchObject({ kind: "command", command: { name: "send" } });
    expect(helpTarget(commands, ["admin", "invite"])).toMatchObject({
      kind: "command",
      command: { name: "admin invite" },
    });
  });

  test("the first words of several commands: the group, with its commands in order", () => {
    const target = helpTarget(commands, ["admin"]);
    expect(target.kind).toBe("group");
    if (target.kind !== "group") return;
    expect(target.prefix).toBe("admin");
    expect(target.commands.map((c) => c.name)).toEqual(["admin invite", "admin meshes"]);
  });

  test("a word no command starts with, or part of a word, is unknown", () => {
    expect(helpTarget(commands, ["admin", "nope"])).toEqual({ kind: "unknown", words: ["admin", "nope"] });
    expect(helpTarget(commands, ["adm"])).toEqual({ kind: "unknown", words: ["adm"] });
  });
});

describe("commandWords", () => {
  test("stops at the first option", () => {
    expect(commandWords(["admin", "--help"])).toEqual(["admin"]);
    expect(commandWords(["admin", "invite", "--mesh", "x"])).toEqual(["admin", "invite"]);
    expect(commandWords(["-h"])).toEqual([]);
    expect(commandWords(["help", "send"])).toEqual(["help", "send"]);
  });
});
