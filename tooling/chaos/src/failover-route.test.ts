import { describe, expect, test } from "bun:test";
import type { SocketLike } from "@mesh/sdk";
import { FailoverRoute } from "./failover-route.ts";

const URLS = ["ws://a/ws", "ws://b/ws", "ws://c/ws"];

/** A route whose sockets only record where they were opened. */
function recordingRoute(urls: readonly string[], home: number) {
  const opened: string[] = [];
  const route = new FailoverRoute(urls, home, (url) => {
    opened.push(url);
    return {} as SocketLike;
  });
  return { route, opened };
}

describe("FailoverRoute", () => {
  test("the first socket goes home, every reconnect to the next instance, round the list", () => {
    const { route, opened } = recordingRoute(URLS, 1);
    expect(route.current).toBe(1);
    for (let i = 0; i < 4; i++) route.factory("ws://ignored/ws");
    expect(opened).toEqual(["ws://b/ws", "ws://c/ws", "ws://a/ws", "ws://b/ws"]);
    expect(route.current).toBe(1);
  });

  test("a single instance gets every socket", () => {
    const { route, opened } = recordingRoute(URLS.slice(0, 1), 0);
    route.factory("x");
    route.factory("x");
    expect(opened).toEqual(["ws://a/ws", "ws://a/ws"]);
    expect(route.current).toBe(0);
  });

  test("refuses an empty list", () => {
    expect(() => new FailoverRoute([], 0)).toThrow();
  });
});
