import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { documentedCodes } from "./documented-codes.ts";

const deployMd = readFileSync(join(import.meta.dir, "..", "..", "..", "DEPLOY.md"), "utf8");

describe("documentedCodes", () => {
  test("reads the real DEPLOY.md: HTTP statuses, error codes, close codes", () => {
    const docs = documentedCodes(deployMd);
    expect(docs.httpStatus.get("payload_too_large")).toBe(413);
    expect(docs.httpStatus.get("not_found")).toBe(404);
    expect(docs.httpStatus.get("internal")).toBe(500);
    expect(docs.errorCodes.has("malformed")).toBe(true);
    expect(docs.errorCodes.has("unknown_type")).toBe(true);
    expect(docs.closeCodes.has(1009)).toBe(true);
    expect(docs.closeCodes.has(1006)).toBe(false);
  });

  test("a code missing from the document is not documented", () => {
    const docs = documentedCodes("## Error codes and close codes\n### HTTP\n| `not_found` | 404 | any | x |\n### WS\n");
    expect([...docs.errorCodes]).toEqual(["not_found"]);
    expect(docs.httpStatus.get("not_found")).toBe(404);
  });
});
