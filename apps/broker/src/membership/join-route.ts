import type { Sql } from "@mesh/db";
import { ErrorCode, joinRequest } from "@mesh/shared";
import type { Config } from "../config/index.ts";
import type { DbHealth } from "../health/db-ping.ts";
import type { Logger } from "../lib/logger.ts";
import { type BrokerMetrics, requestOutcome } from "../metrics/index.ts";
import { BrokerError, databaseUnavailable, jsonResponse } from "../server/broker-error.ts";
import { readJsonBody } from "../server/read-json-body.ts";
import type { Handler } from "../server/router.ts";
import { type JoinOutcome, joinMesh } from "./join-mesh.ts";
import { checkJoinProof } from "./join-proof.ts";
import { inviteSignatureValid, JOIN_REFUSAL_STATUS, type JoinRefusal, parseInvitePayload } from "./verify-invite.ts";

/**
 * `POST /join` (docs/protocol.md#join-endpoint): `{ok:true, memberId, alreadyMember?}`, or a
 * `BrokerError` whose code says which check refused. Neither the token nor
 * a signature (the invite's, the joiner's proof) is ever logged.
 */
export function createJoinHandler(deps: {
  sql: Sql;
  config: Config;
  metrics: BrokerMetrics;
  dbHealth: DbHealth;
}): Handler {
  const { sql, config, dbHealth } = deps;

  const refused = (log: Logger, refusal: JoinRefusal): BrokerError => {
    log.info({ code: refusal.code }, "join refused");
    return new BrokerError(refusal.code, JOIN_REFUSAL_STATUS[refusal.code], refusal.message);
  };

  const handle = async (
    req: Request,
    requestLog: Logger,
  ): Promise<{ outcome: "joined" | "already_member"; response: Response }> => {
    if (!dbHealth.healthy) throw databaseUnavailable();
    const body = await readJsonBody(req, joinRequest, config.maxMessageBytes);
    const parsed = parseInvitePayload(body.invite_payload);
    if (!parsed.ok) throw new BrokerError(ErrorCode.badRequest, 400, parsed.message);
    const { invite } = parsed;
    const log = requestLog.child({ mesh_id: invite.payload.mesh_id });
    if (!inviteSignatureValid(invite.payload)) {
      throw refused(log, { code: ErrorCode.inviteBadSignature, message: "the invite signature does not verify" });
    }
    const proof = checkJoinProof(body, invite.payload.mesh_id, Date.now());
    if (!proof.ok) throw refused(log, proof.refusal);

    const outcome: JoinOutcome = await joinMesh(sql, {
      token: body.invite_token,
      invite,
      pubkey: body.peer_pubkey,
      displayName: body.display_name,
      proof: proof.proof,
    });

    switch (outcome.kind) {
      case "refuse":
        throw refused(log, outcome.refusal);
      case "already_member":
        log.info({ member_id: outcome.memberId, already_member: true }, "join");
        return {
          outcome: "already_member",
          response: jsonResponse({ ok: true, memberId: outcome.memberId, alreadyMember: true }),
        };
      case "joined":
        log.info({ member_id: outcome.memberId, role: outcome.role }, "join");
        return { outcome: "joined", response: jsonResponse({ ok: true, memberId: outcome.memberId }) };
    }
  };

  return async (req, _server, requestLog) => {
    try {
      const { outcome, response } = await handle(req, requestLog);
      deps.metrics.joinAnswered(outcome);
      return response;
    } catch (e: unknown) {
      deps.metrics.joinAnswered(requestOutcome(e));
      throw e;
    }
  };
}
