import { randomUUID } from "node:crypto";
import type { WsExpectation } from "../classify.ts";
import type { Prng } from "../prng.ts";
import { deepDepth, deepText, hostileValueText, longStringText, oddUnicodeText } from "./hostile-values.ts";
import { entriesText, json, toEntries } from "./json-text.ts";
import { mutateEntries } from "./mutate.ts";
import { type FuzzMember, signedHello } from "./signed-hello.ts";

/** The mesh the attack runs in: who attacks, who it may name, who it may impersonate. */
export interface WsFuzzContext {
  attacker: FuzzMember;
  /** A member of the attacker's mesh that direct sends may name. */
  target: FuzzMember;
  /** Another member of the same mesh, whose key signs forged hellos. */
  other: FuzzMember;
  revoked: FuzzMember;
  /** A mesh the attacker does not belong to. */
  foreignMeshId: string;
  maxMessageBytes: number;
}

/** One WebSocket input: its class, how to build it when it is sent, what it should get. */
export interface WsInput {
  cls: string;
  build: (ctx: WsFuzzContext) => string | Uint8Array;
  expect: WsExpectation;
  /** Send the built hello on a first socket (expecting `hello_ack`), then this same frame on the observed one. */
  replay?: boolean;
}

const REFUSAL: WsExpectation = { kind: "refusal", mayAuthenticate: false };
const ANSWER: WsExpectation = { kind: "answer" };
const TOO_BIG: WsExpectation = { kind: "too_big" };

/** Text that is not a JSON object with a string `type`. */
function garbageText(rng: Prng): string {
  switch (rng.int(0, 6)) {
    case 0:
      return rng.pick(["", " ", "\n", "null", "[]", "123", '"hello"', "true", "{", "}", "{}", '{"type":1}']);
    case 1:
      return rng.pick(['{"type":"hello",}', "{'type':'hello'}", '{"type":"send"', "NaN", "[1,]", '{"a":01}']);
    case 2:
      return rng.string(rng.int(1, 200), '{}[]":,0123456789abc \\tn\u0000');
    case 3:
      return deepText(rng, deepDepth(rng));
    case 4:
      return `{"type":${hostileValueText(rng, 30_000)}}`;
    case 5:
      return `"${"\\ud800".repeat(rng.int(1, 500))}"`;
    default:
      return json(rng.string(rng.int(1, 5000)));
  }
}

/** Valid frames of an authenticated session, as entries to mutate. */
function validSessionFrame(rng: Prng, ctx: WsFuzzContext): Record<string, unknown> {
  switch (rng.int(0, 4)) {
    case 0:
      return {
        type: "send",
        targetSpec: rng.chance(0.5) ? "*" : ctx.target.keys.publicKey,
        priority: rng.pick(["now", "next", "low"]),
        nonce: "bm9uY2Vub25jZW5vbmNl",
        ciphertext: "Y2lwaGVydGV4dA==",
        id: `fuzz-${rng.string(12)}`,
        _reqId: rng.int(0, 1e6),
      };
    case 1:
      return { type: "set_status", status: rng.pick(["idle", "working", "dnd"]), _reqId: "s" };
    case 2:
      return { type: "list_peers", _reqId: rng.int(0, 100) };
    case 3:
      return { type: "heartbeat", status: rng.pick(["idle", "working"]) };
    default:
      return { type: "client_ack", brokerMessageId: String(rng.int(1, 1e9)) };
  }
}

function binary(rng: Prng, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => rng.int(0, 255));
}

/** An input for a fresh socket that has not said hello. */
export function preHelloInput(rng: Prng): WsInput {
  const r = rng.fork();
  switch (rng.int(0, 10)) {
    case 0:
      return { cls: "pre-hello garbage", build: () => garbageText(r), expect: REFUSAL };
    case 1:
      return { cls: "pre-hello non-hello frame", build: (c) => json(validSessionFrame(r, c)), expect: REFUSAL };
    case 2:
      return {
        cls: "pre-hello binary",
        build: (c) =>
          r.chance(0.5) ? binary(r, r.int(1, 4096)) : new TextEncoder().encode(json(signedHello(c.attacker))),
        expect: REFUSAL,
      };
    case 3:
      return {
        cls: "oversize frame",
        build: (c) => {
          const size = c.maxMessageBytes + r.pick([1, 1024, c.maxMessageBytes]);
          return r.chance(0.3) ? binary(r, size) : `{"type":"hello","cwd":${longStringText(r, size)}}`;
        },
        expect: TOO_BIG,
      };
    case 4:
    case 5:
      return {
        cls: "hello mutated",
        build: (c) => mutateEntries(r, toEntries(signedHello(r.chance(0.8) ? c.attacker : c.revoked))),
        expect: { kind: "refusal", mayAuthenticate: true },
      };
    case 6:
      return {
        cls: "hello other mesh",
        build: (c) =>
          json(
            signedHello(c.attacker, {
              meshId: r.pick([
                c.foreignMeshId,
                randomUUID(),
                "x",
                `${c.attacker.meshId} `,
                c.attacker.meshId.toUpperCase(),
              ]),
            }),
          ),
        expect: REFUSAL,
      };
    case 7:
      return {
        cls: "hello foreign signature",
        build: (c) => {
          const pick = r.int(0, 3);
          if (pick === 0) return json(signedHello(c.attacker, { signer: c.other.keys }));
          if (pick === 1) return json(signedHello(c.attacker, { memberId: c.other.id }));
          if (pick === 2) return json({ ...signedHello(c.other), pubkey: c.attacker.keys.publicKey });
          return json(signedHello(c.revoked));
        },
        expect: REFUSAL,
      };
    case 8:
      return {
        cls: "hello replay",
        build: (c) => json(signedHello(c.attacker)),
        expect: REFUSAL,
        replay: true,
      };
    case 9:
      return {
        cls: "hello stale or future",
        build: (c) => json(signedHello(c.attacker, { timestamp: Date.now() + r.pick([-1, 1]) * r.int(61_000, 1e12) })),
        expect: REFUSAL,
      };
    default:
      return {
        cls: "pre-hello odd unicode",
        build: (c) => {
          const hello = toEntries(signedHello(c.attacker));
          // Mostly the free-text fields that reach Postgres unchecked by a pattern.
          const name = r.chance(0.7) ? r.pick(["cwd", "sessionId"]) : r.pick(hello)[0];
          const field = hello.find(([k]) => k === name);
          if (field) field[1] = oddUnicodeText(r);
          return entriesText(hello);
        },
        expect: { kind: "refusal", mayAuthenticate: true },
      };
  }
}

/** An input for the attacker's authenticated session. */
export function sessionInput(rng: Prng): WsInput {
  const r = rng.fork();
  switch (rng.int(0, 9)) {
    case 0:
      return { cls: "session garbage", build: () => garbageText(r), expect: ANSWER };
    case 1:
      return { cls: "session binary", build: () => binary(r, r.int(0, 2048)), expect: ANSWER };
    case 2:
      return {
        cls: "session unknown type",
        build: () =>
          entriesText([
            [
              "type",
              r.chance(0.5) ? oddUnicodeText(r) : json(r.pick(["push", "ack", "error", "peers_list", "SEND", ""])),
            ],
            ["_reqId", json(r.int(0, 99))],
          ]),
        expect: ANSWER,
      };
    case 3:
      return {
        cls: "oversize frame",
        build: (c) => `{"type":"send","ciphertext":${longStringText(r, c.maxMessageBytes)}}`,
        expect: TOO_BIG,
      };
    case 4:
      return { cls: "session hello again", build: (c) => json(signedHello(c.attacker)), expect: ANSWER };
    case 5:
      return {
        cls: "session odd unicode",
        build: (c) => {
          const frame = toEntries(validSessionFrame(r, c));
          // A send's `id` is stored as its idempotency key: aim there half the time.
          const field = frame.find(([k]) => k === "id" && r.chance(0.5)) ?? r.pick(frame);
          field[1] = oddUnicodeText(r);
          return entriesText(frame);
        },
        expect: ANSWER,
      };
    default:
      return {
        cls: "session mutated",
        build: (c) => mutateEntries(r, toEntries(validSessionFrame(r, c))),
        expect: ANSWER,
      };
  }
}
