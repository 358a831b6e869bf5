import { describe, expect, test } from "bun:test";
import { useBrokerSuite } from "./helpers/broker-suite.ts";

const MAX_BYTES = 4096;
const suite = useBrokerSuite({ MAX_MESSAGE_BYTES: String(MAX_BYTES) });

/** A body streamed in 1 KiB chunks, so fetch sends it chunked without a Content-Length. */
function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + 1024));
      offset += 1024;
    },
  });
}

describe("hostile HTTP bodies (found by pnpm fuzz)", () => {
  test("a chunked body far over MAX_MESSAGE_BYTES gets the JSON 413, not Bun's bare one", async () => {
    // Past the server's hard ceiling (2 × MAX_MESSAGE_BYTES + 64 KiB), where Bun used to answer by itself.
    const body = JSON.stringify({ cwd: "a".repeat(MAX_BYTES * 40), status: "idle" });
    for (const path of ["/hook/set-status", "/join"]) {
      const res = await fetch(`${suite.broker.baseUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: chunked(body),
      });
      expect(res.status).toBe(413);
      expect(res.headers.get("content-type")).toContain("application/json");
      expect(await res.json()).toMatchObject({ ok: false, error: "payload_too_large" });
    }
  });

  test("a chunked body just over the limit gets 413; one under it is parsed", async () => {
    const over = await fetch(`${suite.broker.baseUrl}/hook/set-status`, {
      method: "POST",
      body: chunked(JSON.stringify({ cwd: "b".repeat(MAX_BYTES), status: "idle" })),
    });
    expect(over.status).toBe(413);
    expect(await over.json()).toMatchObject({ error: "payload_too_large" });

    const under = await fetch(`${suite.broker.baseUrl}/hook/set-status`, {
      method: "POST",
      body: chunked(JSON.stringify({ cwd: "/home/agent/chunked", status: "idle" })),
    });
    expect(under.status).toBe(200);
    expect(await under.json()).toMatchObject({ ok: true, pending: true });
  });
});
