import type { ViewServerFrame } from "../src/view/view-state.ts";

/** What the page hears from its connection. */
export interface ConnectionEvents {
  frame: (frame: ViewServerFrame) => void;
  /** "live" once authenticated and the snapshot came; "connecting" while (re)connecting. */
  link: (state: "live" | "connecting") => void;
  /** The broker refused the token: stop and ask again. */
  refused: (message: string) => void;
}

/** Why the broker closes a viewer for good (docs/live-view.md): no point reconnecting with the same token. */
const FINAL_REASONS = new Set(["unauthorized", "malformed"]);

/**
 * One WebSocket to `/view/ws` on this origin: the first frame carries the
 * token; then it only listens. A dropped connection comes back after a
 * growing pause (0.5 s to 10 s); the broker's snapshot on every connect
 * replaces whatever was shown.
 */
export function connect(token: string, on: ConnectionEvents): { close: () => void } {
  let stopped = false;
  let delayMs = 500;
  let socket: WebSocket | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const open = (): void => {
    on.link("connecting");
    const url = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/view/ws`;
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: "auth", token }));
    ws.onmessage = (event) => {
      const frame = JSON.parse(String(event.data)) as ViewServerFrame;
      if (frame.type === "snapshot") {
        delayMs = 500;
        on.link("live");
      }
      if (frame.type === "error" && FINAL_REASONS.has(frame.code)) {
        stopped = true;
        on.refused(frame.message);
        return;
      }
      on.frame(frame);
    };
    ws.onclose = (event) => {
      if (socket !== ws || stopped) return;
      if (FINAL_REASONS.has(event.reason)) {
        stopped = true;
        on.refused("the broker refused the token");
        return;
      }
      on.link("connecting");
      retry = setTimeout(open, delayMs);
      delayMs = Math.min(delayMs * 2, 10_000);
    };
  };
  open();
  return {
    close: () => {
      stopped = true;
      clearTimeout(retry);
      socket?.close(1000, "signed out");
    },
  };
}
