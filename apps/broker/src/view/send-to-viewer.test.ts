import { describe, expect, test } from "bun:test";
import { sendToViewer, type ViewerOutlet } from "./send-to-viewer.ts";

/** A socket whose sends and unread bytes the test decides. */
function outlet(sendResult: number, buffered: number): ViewerOutlet & { closes: [number, string][] } {
  const closes: [number, string][] = [];
  return {
    closes,
    send: () => sendResult,
    getBufferedAmount: () => buffered,
    close: (code, reason) => closes.push([code, reason]),
  };
}

describe("sendToViewer", () => {
  test("a viewer that reads keeps getting frames", () => {
    const ws = outlet(120, 0);
    expect(sendToViewer(ws, "{}", 1000)).toBe("sent");
    expect(ws.closes).toEqual([]);
  });

  test("backpressure under the bound is tolerated (Bun queued the frame)", () => {
    const ws = outlet(-1, 1000);
    expect(sendToViewer(ws, "{}", 1000)).toBe("sent");
    expect(ws.closes).toEqual([]);
  });

  test("past the bound of unread bytes the viewer is dropped with 1008 slow_viewer", () => {
    const ws = outlet(-1, 1001);
    expect(sendToViewer(ws, "{}", 1000)).toBe("dropped");
    expect(ws.closes).toEqual([[1008, "slow_viewer"]]);
  });

  test("a frame Bun refused outright drops the viewer", () => {
    const ws = outlet(0, 0);
    expect(sendToViewer(ws, "{}", 1000)).toBe("dropped");
    expect(ws.closes).toEqual([[1008, "slow_viewer"]]);
  });
});
