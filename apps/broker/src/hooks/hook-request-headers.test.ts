import { describe, expect, test } from "bun:test";
import { hookHeaderRefusal, isJsonContentType } from "./hook-request-headers.ts";

describe("isJsonContentType", () => {
  test("application/json in any case, with or without parameters", () => {
    for (const header of [
      "application/json",
      "Application/JSON",
      "application/json; charset=utf-8",
      " application/json ;x=y",
    ]) {
      expect({ header, json: isJsonContentType(header) }).toEqual({ header, json: true });
    }
  });

  test("anything else, or none, is not", () => {
    for (const header of [
      null,
      "",
      ";",
      "text/plain",
      "application/json-patch+json",
      "application/jsonx",
      "json",
      "text/json",
    ]) {
      expect({ header, json: isJsonContentType(header) }).toEqual({ header, json: false });
    }
  });
});

describe("hookHeaderRefusal", () => {
  const json = { "content-type": "application/json" };

  test("any Origin is 403 origin_refused, before the content type is looked at", () => {
    for (const origin of ["https://example.com", "null", ""]) {
      const refusal = hookHeaderRefusal(new Headers({ origin, "content-type": "text/plain" }));
      expect({ origin, code: refusal?.code, status: refusal?.status }).toEqual({
        origin,
        code: "origin_refused",
        status: 403,
      });
    }
  });

  test("a body not declared JSON is 415 unsupported_media_type; a hook script's headers pass", () => {
    const refusal = hookHeaderRefusal(new Headers({ "content-type": "text/plain" }));
    expect({ code: refusal?.code, status: refusal?.status }).toEqual({ code: "unsupported_media_type", status: 415 });
    expect(hookHeaderRefusal(new Headers())?.status).toBe(415);
    expect(hookHeaderRefusal(new Headers({ ...json, authorization: "Bearer x" }))).toBeUndefined();
  });
});
