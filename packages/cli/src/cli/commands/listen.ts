import { CloseCode, MeshError, type MeshHome, type ReceivedMessage, type SessionRecord } from "@mesh/sdk";
import { usageError } from "../../cli-error.ts";
import { type Command, type CommandContext, stringOption } from "../command.ts";
import { MESH_OPTION, openClient } from "../open-client.ts";
import { noticePrinter } from "../session-notice.ts";
import { terminalText } from "../terminal-text.ts";

/** An unknown sender makes `listen` fetch the peer list again at most this often. */
const NAME_REFRESH_MS = 10_000;
/** How often the session looks for a status change asked by `mesh status`. */
const STATUS_REQUEST_POLL_MS = 250;

export const listenCommand: Command = {
  name: "listen",
  summary: "Hold a session and print each message received, decrypted, one per line",
  options: {
    pid: {
      type: "string",
      value: "PID",
      description: "the agent process whose hooks report status (default: the parent process)",
    },
    cwd: { type: "string", value: "DIR", description: "the agent's working directory (default: the current one)" },
    count: { type: "string", value: "N", description: "exit after N messages" },
    ...MESH_OPTION,
  },
  async run(ctx) {
    const pid = wholeNumber(ctx, "pid") ?? process.ppid;
    const count = wholeNumber(ctx, "count");
    const cwd = stringOption(ctx, "cwd") ?? process.cwd();
    const { client, membership } = await openClient(ctx, { pid, cwd, sendTimeoutMs: 30_000 });
    const { home } = ctx;
    const printNotice = noticePrinter(ctx.out);
    const names = new Map<string, string>();
    let record: SessionRecord | undefined;

    // Live peers' names. A sender not among them (not online now) is looked up again at most
    // every NAME_REFRESH_MS, not on each of its messages.
    const lookedUp = new Map<string, number>();
    const refreshNames = () =>
      client.listPeers().then(
        (peers) => {
          // By the key a session seals with, and by its member's key: a session that has ended is still named.
          for (const peer of peers) {
            names.set(peer.pubkey, peer.displayName);
            if (peer.memberPubkey) names.set(peer.memberPubkey, peer.displayName);
          }
        },
        () => {},
      );
    const remember = (update: Partial<SessionRecord>) => {
      if (!record) return;
      record = { ...record, ...update, updatedAt: new Date().toISOString() };
      home.saveSession(record);
    };
    const onSession = () => {
      const session = client.session;
      if (!session) return;
      printNotice(session);
      if (record) home.forgetSession(record.presenceId);
      record = {
        meshId: membership.meshId,
        brokerUrl: membership.brokerUrl,
        cwd,
        pid,
        holderPid: process.pid,
        presenceId: session.presenceId,
        hookToken: session.hookToken,
        updatedAt: new Date().toISOString(),
      };
      home.saveSession(record);
      void refreshNames();
    };
    onSession();
    client.on("connected", onSession);
    client.on("status", (frame) => remember({ status: frame.status }));
    client.on("disconnected", ({ code, reason }) =>
      ctx.out.info(
        `disconnected (${code} ${terminalText(reason)}); ${code === CloseCode.revoked ? "stopping" : "reconnecting"}`,
      ),
    );
    /** The last error the client reported: when it gives up on its own, the reason it did. */
    let lastError: MeshError | undefined;
    client.on("error", (e) => {
      lastError = e;
      ctx.out.info(`error: ${terminalText(e.message)} (${terminalText(e.code)})`);
    });

    const poll = setInterval(
      () => void applyStatusRequest(home, record, client.setStatus.bind(client), remember),
      STATUS_REQUEST_POLL_MS,
    );
    ctx.out.info(
      `listening on ${terminalText(membership.slug)} as ${terminalText(membership.displayName)}; Ctrl-C to stop`,
    );

    let received = 0;
    /** The client closed itself (revoked, archived, refused for good): the command failed. */
    let gaveUp = false;
    let stopped = false;
    await new Promise<void>((resolve) => {
      const stop = () => {
        stopped = true;
        resolve();
      };
      ctx.signal.addEventListener("abort", stop, { once: true });
      // Our own close() below emits `closed` too, after `stopped` is set.
      client.on("closed", () => {
        if (!stopped) gaveUp = true;
        stop();
      });
      client.onMessage(async (message) => {
        const sender = message.senderPubkey;
        const nameOf = () => names.get(sender) ?? names.get(message.senderMemberPubkey);
        if (nameOf() === undefined && Date.now() - (lookedUp.get(sender) ?? 0) > NAME_REFRESH_MS) {
          lookedUp.set(sender, Date.now());
          await refreshNames();
        }
        printMessage(ctx, message, nameOf());
        received += 1;
        if (count !== undefined && received >= count) setTimeout(stop, 0);
      });
    });
    clearInterval(poll);
    if (record) home.forgetSession(record.presenceId);
    await client.close();
    if (gaveUp) throw lastError ?? new MeshError("disconnected", "the session ended and the client gave up");
    return undefined;
  },
};

/** Marks a message that travelled in the clear (a plaintext broadcast of a claudemesh mesh). */
const UNENCRYPTED_TAG = "[unencrypted]";

/**
 * One line per message: every part a peer or the broker wrote goes through
 * `terminalText`, so a message cannot drive the terminal or forge a line of
 * its own (`--json` keeps the raw text).
 */
function printMessage(ctx: CommandContext, message: ReceivedMessage, senderName: string | undefined): void {
  const sender = terminalText(senderName ?? `${message.senderPubkey.slice(0, 12)}…`);
  const tag = message.encrypted ? "" : ` ${UNENCRYPTED_TAG}`;
  const line = [terminalText(message.createdAt), sender, `[${terminalText(message.priority)}]${tag}`];
  ctx.out.result(`${line.join(" ")} ${terminalText(message.text)}`, {
    messageId: message.messageId,
    sender: message.senderPubkey,
    senderMember: message.senderMemberPubkey,
    senderName: senderName ?? null,
    priority: message.priority,
    text: message.text,
    encrypted: message.encrypted,
    createdAt: message.createdAt,
  });
}

/** Applies a waiting `mesh status` request to the session this process holds. */
async function applyStatusRequest(
  home: MeshHome,
  record: SessionRecord | undefined,
  setStatus: (status: "idle" | "working" | "dnd") => Promise<{ status: "idle" | "working" | "dnd" }>,
  remember: (update: Partial<SessionRecord>) => void,
): Promise<void> {
  if (!record) return;
  const request = home.takeStatusRequest(record.presenceId);
  if (!request) return;
  try {
    const answer = await setStatus(request.status);
    remember({ status: answer.status });
  } catch {
    // Disconnected: the request is dropped; `mesh status` reports that it was not applied.
  }
}

function wholeNumber(ctx: CommandContext, name: string): number | undefined {
  const text = stringOption(ctx, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw usageError(`--${name} must be a whole number`);
  return value;
}
