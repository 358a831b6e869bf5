import { BROKER_FEATURES, CloseCode, ErrorCode } from "@mesh/shared";
import type { BrokerContext } from "../broker-context.ts";
import { bunPushSocket } from "../delivery/push-socket.ts";
import { newHookToken } from "../hooks/hook-token.ts";
import type { KeyedRateLimiter } from "../lib/keyed-rate-limiter.ts";
import { PENDING_STATUS_WINDOW_SECONDS } from "../status/pending-status.ts";
import { disconnectPresences } from "./disconnect-presences.ts";
import { findHelloMember, type HelloMember } from "./find-hello-member.ts";
import { refuse, sendDbFailure, sendFrame } from "./frames.ts";
import { checkHelloCredentials } from "./hello-checks.ts";
import { openPresence } from "./open-presence.ts";
import { parseHello } from "./parse-frame.ts";
import type { BrokerSocket, Session, SocketPhase } from "./session.ts";

/** What `hello_ack` says on a `claudemesh` mesh. */
export const PLAINTEXT_BROADCAST_NOTICE =
  "this mesh runs the claudemesh profile: broadcasts travel as base64 text and are NOT encrypted; anyone who can read the broker's traffic or database can read them. Direct messages stay end-to-end encrypted.";

/**
 * Authenticates a socket's first frame, a member's `hello` or a
 * `session_hello` (docs/protocol.md#hello-checks, in order: shape,
 * credentials, membership, replay, session key, mesh capacity), writes its
 * presence and answers `hello_ack`. Every refusal is an `error` frame then
 * close 1008 with the code as reason.
 */
export async function handleHello(
  ctx: BrokerContext,
  ws: BrokerSocket,
  raw: string | Buffer,
  helloLimiter: KeyedRateLimiter,
): Promise<void> {
  const { metrics, config } = ctx;
  let log = ctx.log;
  const reject = (code: ErrorCode, message: string): void => {
    metrics.connectionRejected(code);
    log.info({ code }, "ws hello refused");
    refuse(ws, code, message);
  };

  const parsed = parseHello(raw);
  if (!parsed.ok) return reject(parsed.problem.code, parsed.problem.message);
  const hello = parsed.frame;
  // The ids the hello claims: refusals say whose they were.
  log = log.child({
    mesh_id: hello.meshId,
    ...(hello.type === "hello" ? { member_id: hello.memberId } : { session_pubkey: hello.sessionPubkey }),
  });
  const credentials = checkHelloCredentials(hello, Date.now());
  if (!credentials.ok) return reject(credentials.problem.code, credentials.problem.message);
  const { identity } = credentials;
  // Only after the signature: nobody can spend another member's hellos without its key.
  if (!helloLimiter.take(identity.memberPubkey, Date.now()).ok) {
    return reject(ErrorCode.rateLimited, `over ${config.helloRateLimitPerMin} hellos per minute for this member`);
  }

  ws.data.phase = "authenticating";
  const pid = hello.pid ?? null;
  const cwd = hello.cwd ?? null;
  const hookToken = newHookToken();
  let member: HelloMember | undefined;
  let opened: Awaited<ReturnType<typeof openPresence>>;
  try {
    member = await findHelloMember(ctx.sql, identity);
    if (!member) return reject(ErrorCode.unauthorized, "no such non-revoked member of this mesh");
    opened = await openPresence(ctx.sql, {
      meshId: hello.meshId,
      memberId: member.id,
      instanceId: ctx.instanceId,
      sessionId: hello.sessionId,
      sessionPubkey: identity.sessionPubkey,
      helloTimestamp: identity.timestamp,
      signerPubkey: identity.signerPubkey,
      applyPendingHooks: member.clientProfile === "claudemesh",
      pid,
      cwd,
      hookTokenHash: hookToken.hash,
      maxSessionsPerMesh: config.maxConnectionsPerMesh,
      maxSessionsPerMember: config.maxSessionsPerMember,
      pendingWindowSeconds: PENDING_STATUS_WINDOW_SECONDS,
    });
  } catch (e: unknown) {
    const code = sendDbFailure(ws, log, e, "hello");
    metrics.connectionRejected(code);
    ws.close(CloseCode.internalError, code);
    return;
  }
  if (opened === "replayed") {
    return reject(ErrorCode.helloReplayed, "this member already said hello with this timestamp: sign a new hello");
  }
  if (opened === "session_key_taken") {
    return reject(ErrorCode.sessionKeyTaken, "this session key is another member's key or another member's session's");
  }
  if (opened === "member_capacity") {
    return reject(ErrorCode.capacity, `this member already has ${config.maxSessionsPerMember} live sessions`);
  }
  if (opened === "capacity") {
    return reject(ErrorCode.capacity, `the mesh has ${config.maxConnectionsPerMesh} live sessions`);
  }
  // The client may have left (the close callback ran) while we awaited Postgres.
  if ((ws.data.phase as SocketPhase) === "closed") {
    await disconnectPresences(ctx.sql, { presenceId: opened.presenceId }, ctx.instanceId);
    return;
  }

  const session: Session = {
    presenceId: opened.presenceId,
    memberId: member.id,
    meshId: hello.meshId,
    pubkey: identity.memberPubkey,
    sessionPubkey: identity.sessionPubkey,
    displayName: member.displayName,
    sessionId: hello.sessionId,
    pid,
    cwd,
    features: new Set(hello.features ?? []),
    socket: bunPushSocket(ws),
    log: log.child({ member_id: member.id, presence_id: opened.presenceId, session_id: hello.sessionId }),
    status: { status: opened.status, source: opened.statusSource, updatedAt: opened.statusUpdatedAt },
    answeredPing: true,
  };
  ws.data.session = session;
  ws.data.phase = "open";
  ctx.hub.authenticated(ws, session);
  metrics.connectionOpened();
  sendFrame(ws, {
    type: "hello_ack",
    presenceId: session.presenceId,
    memberDisplayName: session.displayName,
    hookToken: hookToken.token,
    features: [...BROKER_FEATURES],
    profile: member.clientProfile,
    ...(member.clientProfile === "claudemesh" ? { notice: PLAINTEXT_BROADCAST_NOTICE } : {}),
    ...(hello._reqId !== undefined ? { _reqId: hello._reqId } : {}),
  });
  session.log.info(
    {
      pid: session.pid,
      cwd: session.cwd,
      status: session.status.status,
      pending_applied: opened.pendingApplied,
    },
    "ws hello",
  );
  ctx.drainer.request([session.memberId]);
}
