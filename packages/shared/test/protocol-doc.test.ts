import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CloseCode, ErrorCode, sessionFrameSchemas } from "../src/index.ts";
import { serverFrame } from "../src/protocol/server-frames.ts";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const DOCS = ["docs/protocol.md", "docs/architecture.md", "docs/compatibility.md", "docs/admin-api.md", "README.md"];

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

  test("every document link in the code's comments names a heading the document has", () => {
    const sources = new Bun.Glob("{apps,packages,tooling,deploy}/**/*.{ts,yml}");
    const files = [...sources.scanSync({ cwd: REPO_ROOT })].filter((f) => !f.includes("node_modules"));
    files.push("Dockerfile");
    let links = 0;
    for (const file of files) {
      // `docs/protocol.md#hello` and its continuations in the same comment: `(docs/protocol.md#send, #set_status)`.
      for (const [, doc, anchorList] of read(file).matchAll(
        /\b((?:docs\/[\w-]+|DEPLOY|README)\.md)((?:,? ?#[\w-]+)+)/g,
      )) {
        if (!doc || !anchorList) continue;
        const anchors = anchorsOf(read(doc));
        for (const [, anchor] of anchorList.matchAll(/#([\w-]+)/g)) {
          links += 1;
          expect({ file, doc, anchor, found: anchors.includes(anchor ?? "") }).toEqual({
            file,
            doc,
            anchor,
            found: true,
          });
        }
      }
    }
    // The comments do link: a pattern that matched nothing would prove nothing.
    expect(links).toBeGreaterThan(20);
  });
});
