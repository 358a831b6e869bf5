import { randomUUID } from "node:crypto";
import { helloSigningString, nextHelloTimestamp, signEd25519 } from "@mesh/shared";
import type { TestMember } from "../../../../apps/broker/test/helpers/mesh-fixtures.ts";
import { AttackSocket, type CloseInfo, type Frame } from "./attack-socket.ts";

/** What a hello may set besides the member's own ids and key. */
export interface HelloFields {
  pid?: number | null;
  cwd?: string | null;
  sessionId?: string;
  features?: string[];
}

/** A hello for `member`, signed now. */
export function helloFor(member: TestMember, fields: HelloFields = {}): Record<string, unknown> {
  const signed = {
    meshId: member.meshId,
    memberId: member.id,
    pubkey: member.keys.publicKey,
    timestamp: nextHelloTimestamp(),
  };
  return {
    type: "hello",
    ...signed,
    sessionId: fields.sessionId ?? randomUUID(),
    pid: fields.pid === undefined ? 4242 : fields.pid,
    cwd: fields.cwd === undefined ? `/home/agent/${member.displayName}` : fields.cwd,
    signature: signEd25519(member.keys, helloSigningString(signed)),
    ...(fields.features ? { features: fields.features } : {}),
  };
}

/** A hello's answer: the session's `hello_ack`, or the refusal (its error code and the close). */
export type HelloOutcome =
  | { admitted: true; socket: AttackSocket; ack: Frame }
  | { admitted: false; socket: AttackSocket; code: string | undefined; close: CloseInfo | undefined };

/** Opens a socket and says hello as `member`; waits up to `timeoutMs` for the answer. */
export async function sayHello(
  wsUrl: string,
  member: TestMember,
  fields: HelloFields = {},
  timeoutMs = 10_000,
): Promise<HelloOutcome> {
  const socket = await AttackSocket.open(wsUrl);
  socket.send(helloFor(member, fields));
  const answer = await socket.next((f) => f.type === "hello_ack" || f.type === "error", timeoutMs);
  if (answer?.type === "hello_ack") return { admitted: true, socket, ack: answer };
  const close = await socket.closeWithin(answer ? 2000 : 0);
  return { admitted: false, socket, code: typeof answer?.code === "string" ? answer.code : undefined, close };
}

/** {@link sayHello} that throws when the hello is refused: for sessions an attack needs, not the ones it probes. */
export async function openSession(
  wsUrl: string,
  member: TestMember,
  fields: HelloFields = {},
): Promise<{ socket: AttackSocket; ack: Frame }> {
  const outcome = await sayHello(wsUrl, member, fields);
  if (!outcome.admitted) {
    await outcome.socket.close();
    throw new Error(
      `hello of ${member.displayName} refused: ${outcome.code ?? "no answer"} (close ${outcome.close?.code})`,
    );
  }
  return { socket: outcome.socket, ack: outcome.ack };
}
