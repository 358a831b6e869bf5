import type { EnvelopeToStore } from "../../src/delivery/insert-envelopes.ts";
import type { TestMember } from "./mesh-fixtures.ts";

/** A send of `sender`'s, as the broker hands it to `insertEnvelopes`: to a member's key, or a broadcast. */
export function envelopeFor(
  sender: TestMember,
  to: TestMember | "*",
  overrides: Partial<EnvelopeToStore> = {},
): EnvelopeToStore {
  return {
    messageId: crypto.randomUUID(),
    meshId: sender.meshId,
    senderMemberId: sender.id,
    senderMemberPubkey: sender.keys.publicKey,
    senderSessionPubkey: null,
    targetSpec: to === "*" ? "*" : to.keys.publicKey,
    priority: "now",
    nonce: "AAAA",
    ciphertext: "AAAA",
    clientId: crypto.randomUUID(),
    ttlSeconds: null,
    skipRecipientIds: [],
    ...overrides,
  };
}
