import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CloseCode, ErrorCode, sessionFrameSchemas } from "../src/index.ts";
import { serverFrame } from "../src/protocol/server-frames.ts";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const DOCS = ["docs/protocol.md", "docs/architecture.md", "README.md"];

const read = (path: string): string => readFileSync(join(REPO_ROOT, path), "utf8");

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

/** The anchors of a Markdown file's headings, outside code blocks. */
function anchorsOf(markdown: string): string[] {
  const anchors: string[] = [];
  let inCode = false;
  for (const line of markdown.split("\n")) {
    if (line.startsWith("```")) inCode = !inCode;
    const heading = /^#{1,6} (.+)$/.exec(line);
    if (!inCode && heading?.[1]) anchors.push(anchorOf(heading[1]));
  }
  return anchors;
}

/** The part of `markdown` under the `## title` heading, up to the next `## ` heading. */
function section(markdown: string, title: string): string {
  const start = markdown.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`no section ${title}`);
  const end = markdown.indexOf("\n## ", start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

const protocol = read("docs/protocol.md");

describe("docs/protocol.md", () => {
  test("lists every error code in its error code table", () => {
    const table = section(protocol, "Error codes");
    for (const code of Object.values(ErrorCode))
      expect({ code, listed: table.includes(`| \`${code}\``) }).toEqual({ code, listed: true });
  });

  test("lists every close code in its close code table", () => {
    const table = section(protocol, "Close codes");
    for (const code of Object.values(CloseCode))
      expect({ code, listed: table.includes(`| ${code} `) }).toEqual({ code, listed: true });
  });

  test("has a section for every frame type, under the anchor of its name", () => {
    const anchors = anchorsOf(protocol);
    const types = [
      "hello",
      ...Object.keys(sessionFrameSchemas),
      ...serverFrame.options.map((option) => option.shape.type.value),
    ];
    for (const type of types) expect(anchors).toContain(type);
  });

  test("keeps the anchors code comments link to", () => {
    const anchors = anchorsOf(protocol);
    for (const anchor of [
      "connection",
      "hello",
      "hello-checks",
      "send",
      "set_status",
      "status-model",
      "status-sources",
      "delivery",
      "at-least-once-delivery",
      "idempotent-sends",
      "hook-endpoint",
      "join-endpoint",
      "invites",
      "signing-strings",
      "hello-signing-string",
      "invite-signing-string",
      "envelope-encryption",
      "error-codes",
      "close-codes",
    ]) {
      expect(anchors).toContain(anchor);
    }
  });
});

describe("docs/architecture.md", () => {
  test("keeps the anchors code comments link to", () => {
    const anchors = anchorsOf(read("docs/architecture.md"));
    for (const anchor of [
      "several-instances",
      "shutdown",
      "from-send-to-push",
      "status-gating",
      "sweepers-and-timers",
    ]) {
      expect(anchors).toContain(anchor);
    }
  });
});

describe("links between the documents", () => {
  test("every heading anchor is unique within its document", () => {
    for (const doc of DOCS) {
      const anchors = anchorsOf(read(doc));
      const repeated = anchors.filter((a, i) => anchors.indexOf(a) !== i);
      expect({ doc, repeated }).toEqual({ doc, repeated: [] });
    }
  });

  test("every relative link points at a file that exists and a heading it has", () => {
    for (const doc of DOCS) {
      const text = read(doc).replace(/```[\s\S]*?```/g, "");
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (!target || /^[a-z]+:/.test(target)) continue;
        const [file, anchor] = target.split("#");
        const path = file ? join(dirname(doc), file) : doc;
        const exists = existsSync(join(REPO_ROOT, path));
        expect({ doc, target, exists }).toEqual({ doc, target, exists: true });
        if (exists && anchor) {
          const found = anchorsOf(read(path)).includes(anchor);
          expect({ doc, target, found }).toEqual({ doc, target, found: true });
        }
      }
    }
  });
});
