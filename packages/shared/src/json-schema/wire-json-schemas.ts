import { z } from "zod";
import {
  adminCreateInviteRequest,
  adminCreateMeshRequest,
  adminRenameMemberRequest,
  adminUpdateMeshRequest,
} from "../protocol/admin.ts";
import { helloFrame, sessionFrameSchemas } from "../protocol/client-frames.ts";
import { hookSetStatusRequest, invitePayload, joinRequest } from "../protocol/http.ts";
import {
  ackFrame,
  errorFrame,
  helloAckFrame,
  peersListFrame,
  pushFrame,
  statusFrame,
} from "../protocol/server-frames.ts";

/** A JSON Schema document, as plain JSON. */
export type JsonSchemaDocument = Record<string, unknown>;

/** What one checked-in schema file describes. */
interface SchemaFileSpec {
  title: string;
  description: string;
  /** Definitions by name (a frame's `type`, or an HTTP body's name), in file order. */
  defs: Record<string, z.ZodType>;
  /** True when a valid document is exactly one of the definitions (the frame files). */
  oneOf: boolean;
}

const GENERATED_BY =
  "Generated from the zod schemas in packages/shared by `pnpm schema`; do not edit. Describes what the receiving side accepts (zod's input side).";

/** Every checked-in schema file, by file name. */
const SCHEMA_FILES: Record<string, SchemaFileSpec> = {
  "client-frames.json": {
    title: "Mesh broker: client → broker WebSocket frames",
    description: "Every JSON text frame a client may send on /ws; the first one must be a hello.",
    defs: { hello: helloFrame, ...sessionFrameSchemas },
    oneOf: true,
  },
  "server-frames.json": {
    title: "Mesh broker: broker → client WebSocket frames",
    description: "Every JSON text frame the broker sends on /ws. Clients should ignore fields they do not know.",
    defs: {
      hello_ack: helloAckFrame,
      ack: ackFrame,
      push: pushFrame,
      peers_list: peersListFrame,
      status: statusFrame,
      error: errorFrame,
    },
    oneOf: true,
  },
  "http-bodies.json": {
    title: "Mesh broker: HTTP request bodies",
    description:
      "The JSON bodies of POST /join, POST /hook/set-status and the admin API (docs/admin-api.md), and the invite payload an ic://join/ link carries.",
    defs: {
      join_request: joinRequest,
      invite_payload: invitePayload,
      hook_set_status_request: hookSetStatusRequest,
      admin_create_mesh_request: adminCreateMeshRequest,
      admin_update_mesh_request: adminUpdateMeshRequest,
      admin_create_invite_request: adminCreateInviteRequest,
      admin_rename_member_request: adminRenameMemberRequest,
    },
    oneOf: false,
  },
};

/** The names of the checked-in schema files. */
export const WIRE_SCHEMA_FILE_NAMES: readonly string[] = Object.keys(SCHEMA_FILES);

/**
 * One definition, from the input side: what a parser accepts. Transforms
 * (lower-casing keys, `brokerMessageId` to a string) only exist on the output
 * side, and an unknown construct fails the generation instead of being
 * written as an empty schema.
 */
function definition(schema: z.ZodType): JsonSchemaDocument {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io: "input",
    unrepresentable: "throw",
    cycles: "throw",
    reused: "inline",
  });
  return rest;
}

function document(spec: SchemaFileSpec): JsonSchemaDocument {
  const names = Object.keys(spec.defs);
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $comment: GENERATED_BY,
    title: spec.title,
    description: spec.description,
    ...(spec.oneOf ? { oneOf: names.map((name) => ({ $ref: `#/$defs/${name}` })) } : {}),
    $defs: Object.fromEntries(names.map((name) => [name, definition(spec.defs[name] as z.ZodType)])),
  };
}

/**
 * The JSON Schema documents of the wire protocol, by file name. The same
 * schemas always give the same documents, key for key, so the checked-in
 * files can be compared with a fresh generation.
 */
export function wireJsonSchemas(): Map<string, JsonSchemaDocument> {
  return new Map(Object.entries(SCHEMA_FILES).map(([file, spec]) => [file, document(spec)]));
}
