import { describe, expect, test } from "bun:test";
import { classifyHttp, classifyWs, mayGoUnanswered } from "./classify.ts";
import { documentedCodes } from "./documented-codes.ts";

const docs = documentedCodes(
  [
    "## Error codes and close codes",
    "### HTTP",
    "| `bad_json` | 400 | /join | x |",
    "| `payload_too_large` | 413 | /join | x |",
    "| `internal` | 500 | any | x |",
    "### WebSocket",
    "`malformed` `no_hello` `unknown_type` `db_unavailable`",
  ].join("\n"),
);
const error = (code: string) => ({ type: "error", code, message: "m" });
const refusal = { kind: "refusal", mayAuthenticate: false } as const;

describe("classifyWs", () => {
  test("a refusal is an error frame then close 1008 with the code as reason", () => {
    expect(
      classifyWs(refusal, { frames: [error("malformed")], close: { code: 1008, reason: "malformed" } }, docs),
    ).toEqual({
      expected: true,
      reply: "error malformed, close 1008",
    });
    const wrongReason = classifyWs(refusal, { frames: [error("malformed")], close: { code: 1008, reason: "x" } }, docs);
    expect(wrongReason.expected).toBe(false);
    expect(classifyWs(refusal, { frames: [error("malformed")], close: undefined }, docs).expected).toBe(false);
    expect(
      classifyWs(refusal, { frames: [error("malformed")], close: { code: 1011, reason: "malformed" } }, docs).expected,
    ).toBe(false);
  });

  test("silence, internal, undocumented codes and foreign close codes are unexpected", () => {
    const answer = { kind: "answer" } as const;
    expect(classifyWs(answer, { frames: [], close: undefined }, docs)).toMatchObject({
      expected: false,
      reply: "silence",
    });
    expect(classifyWs(answer, { frames: [error("internal")], close: undefined }, docs).expected).toBe(false);
    expect(classifyWs(answer, { frames: [error("made_up")], close: undefined }, docs).expected).toBe(false);
    expect(classifyWs(answer, { frames: [error("db_unavailable")], close: undefined }, docs).expected).toBe(false);
    expect(classifyWs(answer, { frames: [], close: { code: 4000, reason: "" } }, docs).expected).toBe(false);
    expect(classifyWs(answer, { frames: [error("unknown_type")], close: undefined }, docs).expected).toBe(true);
    expect(classifyWs(answer, { frames: [{ type: "ack" }, error("internal")], close: undefined }, docs).expected).toBe(
      false,
    );
  });

  test("an authenticated session must stay open; oversize must close 1009", () => {
    expect(classifyWs({ kind: "answer" }, { frames: [], close: { code: 1009, reason: "" } }, docs).expected).toBe(
      false,
    );
    expect(classifyWs({ kind: "too_big" }, { frames: [], close: { code: 1009, reason: "" } }, docs).expected).toBe(
      true,
    );
    expect(classifyWs({ kind: "too_big" }, { frames: [error("malformed")], close: undefined }, docs).expected).toBe(
      false,
    );
  });

  test("a hello_ack is fine only where the hello may be valid", () => {
    const acked = { frames: [{ type: "hello_ack" }], close: undefined };
    expect(classifyWs({ kind: "refusal", mayAuthenticate: true }, acked, docs).expected).toBe(true);
    expect(classifyWs(refusal, acked, docs).expected).toBe(false);
  });
});

describe("classifyHttp", () => {
  const reply = (status: number, body: unknown, method = "POST") => ({
    method,
    status,
    contentType: "application/json",
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

  test("a documented code with its documented status is expected", () => {
    expect(classifyHttp(reply(413, { ok: false, error: "payload_too_large" }), docs, false)).toEqual({
      expected: true,
      reply: "413 payload_too_large",
    });
  });

  test("500s, wrong statuses, non-JSON bodies and hostile successes are unexpected", () => {
    expect(classifyHttp(reply(500, { ok: false, error: "internal" }), docs, true).expected).toBe(false);
    expect(classifyHttp(reply(400, { ok: false, error: "payload_too_large" }), docs, true).expected).toBe(false);
    expect(classifyHttp(reply(413, ""), docs, true).expected).toBe(false);
    expect(classifyHttp(reply(200, { ok: true }), docs, false).expected).toBe(false);
    expect(classifyHttp(reply(200, { ok: true }), docs, true).expected).toBe(true);
  });

  test("a HEAD answer has no body but a documented status", () => {
    expect(classifyHttp(reply(413, "", "HEAD"), docs, false).expected).toBe(true);
    expect(classifyHttp(reply(418, "", "HEAD"), docs, false).expected).toBe(false);
  });
});

describe("mayGoUnanswered", () => {
  test("frames the protocol lets go unanswered: dropped types, unknown types without _reqId, claudemesh acks, summaries", () => {
    for (const frame of [
      { type: "set_stats", stats: {} },
      { type: "join_group", name: "x" },
      { type: "client_ack", clientMessageId: "c", brokerMessageId: "not-ours" },
      { type: "set_summary", summary: "busy" },
    ]) {
      expect({ frame, silent: mayGoUnanswered(JSON.stringify(frame)) }).toEqual({ frame, silent: true });
    }
  });

  test("everything else needs an answer", () => {
    for (const text of [
      "{",
      "[]",
      '{"type":1}',
      JSON.stringify({ type: "join_group", _reqId: 1 }),
      JSON.stringify({ type: "list_peers" }),
      JSON.stringify({ type: "hello" }),
      JSON.stringify({ type: "client_ack", brokerMessageId: "12" }),
      JSON.stringify({ type: "set_summary", summary: 5 }),
    ]) {
      expect({ text, silent: mayGoUnanswered(text) }).toEqual({ text, silent: false });
    }
    expect(mayGoUnanswered(new Uint8Array([1, 2]))).toBe(false);
  });

  test("an answer_or_silence input may get silence, but still not an undocumented error or a close", () => {
    const either = { kind: "answer_or_silence" } as const;
    expect(classifyWs(either, { frames: [], close: undefined }, docs).expected).toBe(true);
    expect(classifyWs(either, { frames: [error("nope")], close: undefined }, docs).expected).toBe(false);
    expect(classifyWs(either, { frames: [], close: { code: 1011, reason: "" } }, docs).expected).toBe(false);
  });
});
