import { describe, expect, test } from "bun:test";
import { httpBaseUrl } from "./broker-http.ts";

describe("httpBaseUrl", () => {
  test("maps ws to http and wss to https, keeping host and port", () => {
    expect(httpBaseUrl("ws://127.0.0.1:7900/ws")).toBe("http://127.0.0.1:7900");
    expect(httpBaseUrl("wss://mesh.example.com/ws")).toBe("https://mesh.example.com");
    expect(httpBaseUrl("wss://mesh.example.com:8443/ws/")).toBe("https://mesh.example.com:8443");
    expect(httpBaseUrl("ws://[::1]:7900/ws")).toBe("http://[::1]:7900");
  });

  test("keeps a path prefix in front of /ws and drops query and fragment", () => {
    expect(httpBaseUrl("wss://example.com/mesh/ws?x=1#y")).toBe("https://example.com/mesh");
    expect(httpBaseUrl("ws://example.com")).toBe("http://example.com");
  });

  test("accepts an HTTP base as it is", () => {
    expect(httpBaseUrl("http://127.0.0.1:7900/")).toBe("http://127.0.0.1:7900");
    expect(httpBaseUrl("https://example.com")).toBe("https://example.com");
  });

  test("refuses what is no broker URL with bad_broker_url", () => {
    for (const bad of ["", "not a url", "ftp://example.com/ws", "ws://user:pw@example.com/ws"]) {
      expect(() => httpBaseUrl(bad)).toThrow(expect.objectContaining({ code: "bad_broker_url" }));
    }
  });
});
