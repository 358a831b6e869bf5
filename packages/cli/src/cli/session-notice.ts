import type { HelloAckFrame } from "@mesh/shared";
import type { Output } from "./command.ts";
import { terminalText } from "./terminal-text.ts";

/** Said when a broker announces the claudemesh profile without a notice of its own. */
const CLAUDEMESH_NOTICE =
  "this mesh runs the claudemesh profile: broadcasts travel as base64 text and are NOT encrypted; anyone who can read the broker's traffic or database can read them. Direct messages stay end-to-end encrypted.";

/**
 * The warning a session's `hello_ack` wants its operator to see
 * (docs/compatibility.md#client-profiles): its `notice`, else ours when it
 * announced the claudemesh profile; undefined when there is nothing to say.
 */
export function sessionNotice(ack: Pick<HelloAckFrame, "profile" | "notice">): string | undefined {
  // The broker's words: they must not drive the terminal.
  const notice = ack.notice === undefined ? undefined : terminalText(ack.notice.trim());
  if (notice) return notice;
  return ack.profile === "claudemesh" ? CLAUDEMESH_NOTICE : undefined;
}

/** Prints the notice of each session it is given on stderr, each distinct notice once. */
export function noticePrinter(out: Output): (ack: Pick<HelloAckFrame, "profile" | "notice">) => void {
  const printed = new Set<string>();
  return (ack) => {
    const notice = sessionNotice(ack);
    if (notice === undefined || printed.has(notice)) return;
    printed.add(notice);
    out.info(`WARNING: ${notice}`);
  };
}
