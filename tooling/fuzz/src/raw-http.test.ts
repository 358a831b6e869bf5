import { describe, expect, test } from "bun:test";
import { parseRawResponse } from "./raw-http.ts";

describe("parseRawResponse", () => {
  test("a Content-Length body, complete or not", () => {
    const raw =
      'HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 13\r\n\r\n{"ok":false}\n';
    expect(parseRawResponse(raw, "POST")).toEqual({
      method: "POST",
      status: 400,
      contentType: "application/json",
      body: '{"ok":false}\n',
    });
    expect(parseRawResponse(raw.slice(0, -3), "POST")).toBeUndefined();
    expect(parseRawResponse("HTTP/1.1 200 OK\r\n", "GET")).toBeUndefined();
  });

  test("a chunked body", () => {
    const raw = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
    expect(parseRawResponse(raw, "GET")?.body).toBe("abcde");
    expect(parseRawResponse(raw.slice(0, 40), "GET")).toBeUndefined();
  });
});
