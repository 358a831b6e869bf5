import { generateEd25519KeyPair, type InvitePayload, joinSigningString, signEd25519 } from "@mesh/shared";
import type { Prng } from "../prng.ts";
import { deepDepth, deepText, hostileValueText, longStringText, oddUnicodeText } from "./hostile-values.ts";
import { entriesText, json, toEntries } from "./json-text.ts";
import { mutateEntries } from "./mutate.ts";

/** What HTTP inputs may name: a real invite and the body limit. */
export interface HttpFuzzContext {
  invite: { token: string; payload: InvitePayload };
  maxMessageBytes: number;
}

/** One HTTP request to make. */
export interface HttpRequestSpec {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** Send the body chunked, without a Content-Length. */
  chunked?: boolean;
  /** Overrides the input's `successAllowed` for this request. */
  successAllowed?: boolean;
}

/** One HTTP input: its class, how to build the request, whether a 2xx is acceptable. */
export interface HttpInput {
  cls: string;
  build: (ctx: HttpFuzzContext) => HttpRequestSpec;
  successAllowed: boolean;
}

const JSON_TYPE = { "content-type": "application/json" };

/** A valid hook body; its cwd never matches the attacker's session. */
export function validHookBody(rng: Prng): Record<string, unknown> {
  return {
    cwd: `/home/fuzz/hook-${rng.string(8)}`,
    pid: rng.int(1, 99_999),
    status: rng.pick(["idle", "working"]),
    session_id: rng.string(10),
  };
}

/** A join a strict mesh admits: it proves the key it enrols, so mutations reach the checks past the proof. */
function validJoinBody(rng: Prng, ctx: HttpFuzzContext): Record<string, unknown> {
  const keys = generateEd25519KeyPair();
  const displayName = `fuzz-${rng.string(6)}`;
  const timestamp = Date.now();
  const proof = joinSigningString({
    meshId: ctx.invite.payload.mesh_id,
    inviteToken: ctx.invite.token,
    peerPubkey: keys.publicKey,
    displayName,
    timestamp,
  });
  return {
    invite_token: ctx.invite.token,
    invite_payload: rng.chance(0.7)
      ? ctx.invite.payload
      : Buffer.from(JSON.stringify(ctx.invite.payload)).toString("base64url"),
    peer_pubkey: keys.publicKey,
    display_name: displayName,
    proof_signature: signEd25519(keys, proof),
    proof_timestamp: timestamp,
  };
}

function garbageBody(rng: Prng): string {
  switch (rng.int(0, 4)) {
    case 0:
      return rng.pick(["", " ", "null", "[]", "{}", "123", '"x"', "{", '{"cwd":', "\u0000", "\ufeff{}"]);
    case 1:
      return deepText(rng, deepDepth(rng));
    case 2:
      return rng.string(rng.int(1, 3000), '{}[]":,0123456789abc \\\t');
    case 3:
      return `{"cwd":${hostileValueText(rng, 40_000)},"status":${hostileValueText(rng, 10_000)}}`;
    default:
      return `[${hostileValueText(rng, 50_000)}]`;
  }
}

const PATHS = ["/hook/set-status", "/join", "/health", "/metrics", "/ws"];
const ODD_PATHS = [
  "/",
  "/hook",
  "/hook/set-status/",
  "//join",
  "/JOIN",
  "/join?x=1",
  "/%00",
  "/..%2f..%2fetc%2fpasswd",
  "/hook/%E2%80%AE",
  "/metrics/../health",
  "/ws/",
];
const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "PURGE"];
const CONTENT_TYPES = [
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "",
  "application/json; charset=latin1",
  "application/xml",
];
const BAD_AUTH = [
  "Bearer",
  "Bearer ",
  "Basic dXNlcjpwYXNz",
  "Bearer a b",
  "bearer\ttoken",
  "Token abc",
  "Bearer \u00ff\u00fe",
  "Bearer ../../",
];

/** A request with an `Authorization` header the broker must refuse (401). */
function badAuthorization(rng: Prng): string {
  const pick = rng.int(0, 3);
  if (pick === 0) return `Bearer ${rng.string(600)}`;
  if (pick === 1) return `Bearer ${rng.string(43, "ABCDEFabcdef0123456789-_")}`;
  return rng.pick(BAD_AUTH);
}

/** One HTTP input. */
export function httpInput(rng: Prng): HttpInput {
  const r = rng.fork();
  const post = (path: string, body: string, headers: Record<string, string> = JSON_TYPE): HttpRequestSpec => ({
    method: "POST",
    path,
    headers,
    body,
  });
  switch (rng.int(0, 9)) {
    case 0:
    case 1:
      return {
        cls: "hook body mutated",
        build: () => post("/hook/set-status", mutateEntries(r, toEntries(validHookBody(r)))),
        successAllowed: true,
      };
    case 2:
      return {
        cls: "hook garbage",
        build: () => post(r.pick(["/hook/set-status", "/join"]), garbageBody(r)),
        successAllowed: false,
      };
    case 3:
      return {
        cls: "hook wrong content type",
        build: () => post("/hook/set-status", json(validHookBody(r)), { "content-type": r.pick(CONTENT_TYPES) }),
        successAllowed: true,
      };
    case 4:
      return {
        cls: "hook bad authorization",
        build: () =>
          post("/hook/set-status", json(validHookBody(r)), { ...JSON_TYPE, authorization: badAuthorization(r) }),
        successAllowed: false,
      };
    case 5:
    case 6:
      return {
        cls: "join body mutated",
        build: (c) => post("/join", mutateEntries(r, toEntries(validJoinBody(r, c)))),
        successAllowed: true,
      };
    case 7:
      return {
        cls: "join invite mutated",
        build: (c) => {
          const payload = mutateEntries(r, toEntries(c.invite.payload as unknown as Record<string, unknown>));
          const body = validJoinBody(r, c);
          return post("/join", json({ ...body, invite_payload: "__PAYLOAD__" }).replace('"__PAYLOAD__"', payload));
        },
        successAllowed: true,
      };
    case 8:
      if (rng.chance(0.4)) {
        return {
          cls: "odd unicode in stored text",
          build: (c) => {
            const hook = r.chance(0.5);
            const entries = toEntries(hook ? validHookBody(r) : validJoinBody(r, c));
            const name = r.pick(hook ? ["cwd", "session_id"] : ["display_name", "invite_token"]);
            const field = entries.find(([k]) => k === name);
            if (field) field[1] = oddUnicodeText(r);
            return post(hook ? "/hook/set-status" : "/join", entriesText(entries));
          },
          successAllowed: true,
        };
      }
      return {
        cls: "oversize body",
        build: (c) => {
          const size = c.maxMessageBytes + r.pick([1, 4096, c.maxMessageBytes, 4 * c.maxMessageBytes]);
          const body = `{"cwd":${longStringText(r, size)},"status":"idle"}`;
          return { ...post(r.pick(["/hook/set-status", "/join"]), body), chunked: r.chance(0.4) };
        },
        successAllowed: false,
      };
    default:
      return {
        cls: "routes and methods",
        build: () => {
          const path = r.chance(0.5) ? r.pick(PATHS) : r.pick(ODD_PATHS);
          const method = r.pick(METHODS);
          const hasBody = method !== "GET" && method !== "HEAD";
          const readable =
            (method === "GET" || method === "HEAD") && /^\/(health|metrics(\/\.\.\/health)?)$/.test(path);
          return { method, path, headers: JSON_TYPE, ...(hasBody ? { body: "{}" } : {}), successAllowed: readable };
        },
        // Only GET (or HEAD) /health and /metrics answer 200.
        successAllowed: false,
      };
  }
}
