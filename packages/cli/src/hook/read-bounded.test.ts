import { describe, expect, test } from "bun:test";
import { PassThrough } from "node:stream";
import { readBounded } from "./read-bounded.ts";

describe("readBounded", () => {
  test("reads everything up to the end", async () => {
    const stream = new PassThrough();
    const read = readBounded(stream, { maxBytes: 100, timeoutMs: 1000 });
    stream.write('{"a":');
    stream.end("1}");
    expect(await read).toEqual({ kind: "ok", text: '{"a":1}' });
  });

  test("gives up past the byte limit", async () => {
    const stream = new PassThrough();
    const read = readBounded(stream, { maxBytes: 4, timeoutMs: 1000 });
    stream.write("12345");
    expect(await read).toEqual({ kind: "too_large" });
    stream.destroy();
  });

  test("gives up when the writer never closes", async () => {
    const stream = new PassThrough();
    const started = performance.now();
    expect(await readBounded(stream, { maxBytes: 100, timeoutMs: 50 })).toEqual({ kind: "timeout" });
    expect(performance.now() - started).toBeLessThan(500);
    stream.destroy();
  });

  test("reports a stream error", async () => {
    const stream = new PassThrough();
    const read = readBounded(stream, { maxBytes: 100, timeoutMs: 1000 });
    stream.destroy(new Error("boom"));
    expect(await read).toEqual({ kind: "error", message: "boom" });
  });
});
