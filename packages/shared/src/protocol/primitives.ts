import { z } from "zod";

/** Envelope priorities, most urgent first. */
export const PRIORITIES = ["now", "next", "low"] as const;
/** How urgently an envelope wants its recipient's attention. */
export type Priority = (typeof PRIORITIES)[number];

/** Session statuses. */
export const STATUSES = ["idle", "working", "dnd"] as const;
/** What a session is doing, which decides what it may receive. */
export type Status = (typeof STATUSES)[number];

/** Who set a session's status, highest rank first. */
export const STATUS_SOURCES = ["hook", "manual", "heartbeat"] as const;
/** The origin of a status report. */
export type StatusSource = (typeof STATUS_SOURCES)[number];

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const HEX_SIGNATURE = /^[0-9a-fA-F]{128}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** An ed25519 public key: 64 hex characters, normalised to lower case. */
export const publicKeyHex = z
  .string()
  .regex(HEX_KEY, "must be 64 hex characters")
  .transform((s) => s.toLowerCase())
  .describe("An ed25519 public key: 64 hex characters, either case; read as lower case.");

/** An ed25519 signature: 128 hex characters, normalised to lower case. */
export const signatureHex = z
  .string()
  .regex(HEX_SIGNATURE, "must be 128 hex characters")
  .transform((s) => s.toLowerCase())
  .describe("An ed25519 signature: 128 hex characters, either case.");

/** Standard (padded) base64, non-empty. */
export const base64 = z
  .string()
  .min(1, "must not be empty")
  .regex(BASE64, "must be base64")
  .describe("Standard base64 with padding, not empty.");

/**
 * A session's own ed25519 key (claudemesh 1.x `sessionPubkey`): exactly 64
 * lower-case hex characters, as claudemesh brokers require.
 */
export const sessionPubkeyHex = z
  .string()
  .regex(/^[0-9a-f]{64}$/, "must be 64 lower-case hex characters")
  .describe("A session's own ed25519 public key: 64 lower-case hex characters.");

/** An opaque identifier chosen by a client or the broker. */
export const identifier = z.string().min(1).max(200);

/** A request correlation id, echoed in the answer. */
export const requestId = z
  .union([z.string().max(200), z.number().int()])
  .describe("A correlation id of the client's choosing; the answer to this frame carries it back unchanged.");

/** A process id on the agent's host. */
export const pid = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1)
  .describe("A process id on the agent's host.");

/** A working directory on the agent's host. */
/**
 * The most a working directory may take in UTF-8: the broker indexes it, and
 * a Postgres index entry holds about 2.7 KB.
 */
export const MAX_CWD_BYTES = 2048;

const utf8 = new TextEncoder();

export const cwd = z
  .string()
  .min(1)
  .max(4096)
  .refine((s) => s.length * 3 <= MAX_CWD_BYTES || utf8.encode(s).length <= MAX_CWD_BYTES, {
    message: `must be at most ${MAX_CWD_BYTES} bytes of UTF-8`,
  })
  .describe(
    `A working directory on the agent's host: 1 to 4096 characters and at most ${MAX_CWD_BYTES} bytes of UTF-8.`,
  );

/** How urgently an envelope wants attention; which a session receives depends on its status. */
export const priority = z
  .enum(PRIORITIES)
  .describe("now: delivered even while the recipient works; next and low: held until the recipient is idle.");
/** How a mesh's clients talk (docs/compatibility.md#client-profiles). */
export const CLIENT_PROFILES = ["strict", "claudemesh"] as const;
/** A mesh's client profile. */
export type ClientProfile = (typeof CLIENT_PROFILES)[number];
/** A mesh's client profile, as `hello_ack` announces it. */
export const clientProfile = z
  .enum(CLIENT_PROFILES)
  .describe(
    "strict: broadcasts sealed with the mesh key, hooks only with a session token. claudemesh: broadcasts travel as claudemesh clients send them, base64 text NOT encrypted; anonymous hooks matched by cwd.",
  );

/** A session status. */
export const status = z
  .enum(STATUSES)
  .describe(
    "idle receives every priority; working and dnd receive only `now`; dnd is set and cleared by the agent alone.",
  );
