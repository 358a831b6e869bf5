import { describe, expect, test } from "bun:test";
import type { z } from "zod";
import { canonicalJson, schemaDrift } from "../scripts/generate-json-schema.ts";
import {
  adminCreateInviteRequest,
  adminCreateMeshRequest,
  adminRenameMemberRequest,
  adminUpdateMeshRequest,
  encodeInviteLink,
  generateEd25519KeyPair,
  helloFrame,
  helloSigningString,
  hookSetStatusRequest,
  type InvitePayload,
  invitePayload,
  inviteSigningString,
  joinRequest,
  joinSigningString,
  nextHelloTimestamp,
  type ServerFrame,
  type SessionFrameType,
  serverFrame,
  sessionFrameSchemas,
  signEd25519,
} from "../src/index.ts";
import { type JsonSchemaDocument, wireJsonSchemas } from "../src/json-schema/wire-json-schemas.ts";
import { jsonSchemaErrors } from "./helpers/json-schema-subset.ts";

const documents = wireJsonSchemas();

function documentOf(file: string): JsonSchemaDocument {
  const document = documents.get(file);
  if (!document) throw new Error(`no generated ${file}`);
  return document;
}

function defOf(file: string, name: string): { required: string[]; properties: Record<string, unknown> } {
  const def = (documentOf(file).$defs as Record<string, { required?: string[]; properties: Record<string, unknown> }>)[
    name
  ];
  if (!def) throw new Error(`${file} has no definition ${name}`);
  return { required: def.required ?? [], properties: def.properties };
}

const schemaAccepts = (file: string, value: unknown): boolean => jsonSchemaErrors(documentOf(file), value).length === 0;

/** What the broker's parser does with a client frame: hello first, then the session frames by `type`. */
function zodAcceptsClientFrame(value: unknown): boolean {
  const type = (value as { type?: unknown } | null)?.type;
  if (type === "hello") return helloFrame.safeParse(value).success;
  if (typeof type !== "string" || !Object.hasOwn(sessionFrameSchemas, type)) return false;
  return sessionFrameSchemas[type as SessionFrameType].safeParse(value).success;
}

// ── real frames and bodies, built the way the broker and its clients build them ──

const agent = generateEd25519KeyPair();
const owner = generateEd25519KeyPair();
const signed = { meshId: "mesh-1", memberId: "member-1", pubkey: agent.publicKey, timestamp: nextHelloTimestamp() };
const hello = {
  type: "hello",
  ...signed,
  sessionId: "session-1",
  pid: 4242,
  cwd: "/srv/agents/alpha",
  signature: signEd25519(agent, helloSigningString(signed)),
  features: ["ack"],
  _reqId: "r-1",
};

const clientFrames: Record<string, Record<string, unknown>> = {
  hello,
  send: {
    type: "send",
    targetSpec: owner.publicKey,
    priority: "next",
    nonce: Buffer.alloc(24, 7).toString("base64"),
    ciphertext: Buffer.from("sealed bytes").toString("base64"),
    id: "send-1",
    ttlSeconds: 3600,
    _reqId: 7,
  },
  set_status: { type: "set_status", status: "dnd", _reqId: "r-2" },
  list_peers: { type: "list_peers" },
  heartbeat: { type: "heartbeat", status: "working" },
  client_ack: { type: "client_ack", brokerMessageId: "1234" },
  set_summary: { type: "set_summary", summary: "refactoring the parser" },
};

const serverFrames: Record<ServerFrame["type"], ServerFrame> = {
  hello_ack: {
    type: "hello_ack",
    presenceId: "p-1",
    memberDisplayName: "alice",
    hookToken: "t0k3n",
    features: ["ack"],
  },
  ack: { type: "ack", id: "send-1", messageId: "m-1", queued: true, recipients: 1, _reqId: 7 },
  push: {
    type: "push",
    messageId: "m-1",
    brokerMessageId: "1234",
    meshId: "mesh-1",
    senderPubkey: agent.publicKey,
    priority: "now",
    nonce: "AAAA",
    ciphertext: "BBBB",
    createdAt: new Date(0).toISOString(),
  },
  peers_list: {
    type: "peers_list",
    peers: [
      {
        pubkey: owner.publicKey,
        memberPubkey: owner.publicKey,
        displayName: "bob",
        status: "idle",
        summary: null,
        sessionId: "s-2",
        cwd: null,
        connectedAt: new Date(0).toISOString(),
        self: false,
      },
    ],
  },
  status: { type: "status", status: "working", source: "hook", _reqId: "r-2" },
  error: { type: "error", code: "queue_full", message: "not queued", id: "send-1" },
};

const unsignedInvite = {
  v: 1 as const,
  mesh_id: "mesh-1",
  mesh_slug: "demo",
  broker_url: "wss://broker.example/ws",
  expires_at: new Date(Date.UTC(2030, 0, 1)).toISOString(),
  mesh_root_key: "r".repeat(43),
  role: "member" as const,
  owner_pubkey: owner.publicKey,
};
const invite: InvitePayload = { ...unsignedInvite, signature: signEd25519(owner, inviteSigningString(unsignedInvite)) };
const link = encodeInviteLink(invite);
const joinProofFields = {
  meshId: "mesh-1",
  inviteToken: link.slice("ic://join/".length),
  peerPubkey: agent.publicKey,
  displayName: "alice",
  timestamp: Date.now(),
};

const httpBodies: Record<string, { schema: z.ZodType; value: Record<string, unknown> }> = {
  join_request: {
    schema: joinRequest,
    value: {
      invite_token: link.slice("ic://join/".length),
      invite_payload: link,
      peer_pubkey: agent.publicKey,
      display_name: "alice",
      proof_signature: signEd25519(agent, joinSigningString(joinProofFields)),
      proof_timestamp: joinProofFields.timestamp,
    },
  },
  invite_payload: { schema: invitePayload, value: { ...invite } },
  hook_set_status_request: {
    schema: hookSetStatusRequest,
    value: { cwd: "/srv/agents/alpha", pid: 4242, status: "working", session_id: null },
  },
  admin_create_mesh_request: {
    schema: adminCreateMeshRequest,
    value: {
      slug: "ops-team",
      name: "Ops team",
      ownerPubkey: owner.publicKey,
      profile: "strict",
      rootKey: "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQ",
    },
  },
  admin_update_mesh_request: { schema: adminUpdateMeshRequest, value: { name: "Ops", profile: "claudemesh" } },
  admin_create_invite_request: { schema: adminCreateInviteRequest, value: { link, maxUses: 5 } },
  admin_rename_member_request: { schema: adminRenameMemberRequest, value: { name: "alice" } },
};

/**
 * Variations of a valid value: each property dropped, replaced by values of
 * other types and sizes, and an unknown property added. Whether each one is
 * valid does not matter here; that zod and the schema agree on it does.
 */
function variations(value: Record<string, unknown>): unknown[] {
  const replacements: unknown[] = [true, null, {}, [], "", -1, 0, 1.5, 2 ** 31, "x".repeat(5000), "*", "AAAA"];
  const out: unknown[] = [value, { ...value, unknown_field: 1 }];
  for (const key of Object.keys(value)) {
    const { [key]: _dropped, ...rest } = value;
    out.push(rest);
    for (const replacement of replacements) out.push({ ...value, [key]: replacement });
  }
  return out;
}

describe("the checked-in JSON Schema files", () => {
  test("match a fresh generation (else run `pnpm schema` and commit the result)", () => {
    expect(schemaDrift()).toEqual({ stale: [], extra: [] });
  });

  test("the staleness check notices a changed, a missing and a leftover file", () => {
    const changed = structuredClone(documents);
    const defs = changed.get("client-frames.json")?.$defs as Record<string, { properties: Record<string, unknown> }>;
    const send = defs?.send;
    if (!send) throw new Error("no send definition");
    send.properties.priority = { type: "string", enum: ["now", "next", "low", "urgent"] };
    expect(schemaDrift(changed).stale).toContain("client-frames.json");

    const renamed = new Map([...documents].map(([file, d]) => [file === "http-bodies.json" ? "http.json" : file, d]));
    const drift = schemaDrift(renamed);
    expect(drift.stale).toContain("http.json");
    expect(drift.extra).toEqual(["http-bodies.json"]);
  });

  test("are generated deterministically", () => {
    const again = wireJsonSchemas();
    expect([...again.keys()]).toEqual([...documents.keys()]);
    for (const [file, document] of documents) expect(canonicalJson(again.get(file))).toBe(canonicalJson(document));
  });
});

describe("real frames against the generated schema", () => {
  test("every definition has a sample frame or body here", () => {
    const names = (file: string) => Object.keys(documentOf(file).$defs as object).sort();
    expect(names("client-frames.json")).toEqual(Object.keys(clientFrames).sort());
    expect(names("server-frames.json")).toEqual(Object.keys(serverFrames).sort());
    expect(names("http-bodies.json")).toEqual(Object.keys(httpBodies).sort());
  });

  test("a signed hello carries every required property and only known ones", () => {
    const { required, properties } = defOf("client-frames.json", "hello");
    expect(required).toEqual(
      expect.arrayContaining(["type", "meshId", "memberId", "pubkey", "timestamp", "signature"]),
    );
    for (const key of required) expect(Object.keys(hello)).toContain(key);
    for (const key of Object.keys(hello)) expect(Object.keys(properties)).toContain(key);
    expect(jsonSchemaErrors(documentOf("client-frames.json"), hello)).toEqual([]);
    expect(helloFrame.safeParse(hello).success).toBe(true);
  });

  test("each sample is valid against its own definition and no other", () => {
    for (const [file, samples] of [
      ["client-frames.json", clientFrames],
      ["server-frames.json", serverFrames],
    ] as const) {
      for (const [name, frame] of Object.entries(samples)) {
        expect({ name, errors: jsonSchemaErrors(documentOf(file), frame) }).toEqual({ name, errors: [] });
        const { required } = defOf(file, name);
        for (const key of required)
          expect({ name, key, present: Object.hasOwn(frame, key) }).toMatchObject({ present: true });
      }
    }
    for (const [name, body] of Object.entries(httpBodies)) {
      const def = { ...documentOf("http-bodies.json"), $ref: `#/$defs/${name}` };
      expect({ name, errors: jsonSchemaErrors(def, body.value) }).toEqual({ name, errors: [] });
      expect(body.schema.safeParse(body.value).success).toBe(true);
    }
  });

  test("a frame of no known type matches no definition", () => {
    expect(schemaAccepts("client-frames.json", { type: "subscribe" })).toBe(false);
    expect(schemaAccepts("client-frames.json", { ...clientFrames.send, type: "push" })).toBe(false);
    expect(schemaAccepts("server-frames.json", { ...serverFrames.push, type: "send" })).toBe(false);
  });
});

describe("the schema and the zod parsers agree", () => {
  test("on client frames and their variations", () => {
    const verdicts = { accepted: 0, refused: 0 };
    const extra: unknown[] = [
      { ...clientFrames.send, priority: "urgent" },
      { ...clientFrames.send, nonce: "abc" },
      { ...clientFrames.send, targetSpec: owner.publicKey.toUpperCase() },
      { ...clientFrames.send, ttlSeconds: 30 * 24 * 3600 + 1 },
      { ...clientFrames.client_ack, brokerMessageId: 99 },
      { ...clientFrames.client_ack, brokerMessageId: "12a" },
      { ...clientFrames.client_ack, brokerMessageId: "1".repeat(20) },
      { ...hello, pid: null, cwd: null },
      { ...hello, features: Array.from({ length: 33 }, () => "ack") },
      { ...hello, _reqId: "x".repeat(201) },
      { ...clientFrames.heartbeat, status: "busy" },
    ];
    for (const value of [...Object.values(clientFrames).flatMap(variations), ...extra]) {
      const zod = zodAcceptsClientFrame(value);
      expect({ value, schema: schemaAccepts("client-frames.json", value) }).toEqual({ value, schema: zod });
      verdicts[zod ? "accepted" : "refused"] += 1;
    }
    expect(verdicts.accepted).toBeGreaterThan(20);
    expect(verdicts.refused).toBeGreaterThan(100);
  });

  test("on server frames and their variations", () => {
    for (const value of Object.values(serverFrames).flatMap((f) =>
      variations(f as unknown as Record<string, unknown>),
    )) {
      const zod = serverFrame.safeParse(value).success;
      expect({ value, schema: schemaAccepts("server-frames.json", value) }).toEqual({ value, schema: zod });
    }
  });

  test("on HTTP bodies and their variations", () => {
    for (const [name, body] of Object.entries(httpBodies)) {
      const def = { ...documentOf("http-bodies.json"), $ref: `#/$defs/${name}` };
      for (const value of variations(body.value)) {
        const zod = body.schema.safeParse(value).success;
        expect({ name, value, schema: jsonSchemaErrors(def, value).length === 0 }).toEqual({
          name,
          value,
          schema: zod,
        });
      }
    }
  });

  test("except on the documented gap: a display_name of only whitespace", () => {
    const body = { ...httpBodies.join_request?.value, display_name: "   " };
    const def = { ...documentOf("http-bodies.json"), $ref: "#/$defs/join_request" };
    expect(jsonSchemaErrors(def, body)).toEqual([]);
    expect(joinRequest.safeParse(body).success).toBe(false);
  });

  test("except on the documented gap: a cwd within 4096 characters but over 2048 bytes of UTF-8", () => {
    const body = { ...httpBodies.hook_set_status_request?.value, cwd: `/${"é".repeat(1100)}` };
    const def = { ...documentOf("http-bodies.json"), $ref: "#/$defs/hook_set_status_request" };
    expect(jsonSchemaErrors(def, body)).toEqual([]);
    expect(hookSetStatusRequest.safeParse(body).success).toBe(false);
  });
});
