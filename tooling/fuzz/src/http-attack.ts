import { classifyHttp, type HttpObservation } from "./classify.ts";
import type { DocumentedCodes } from "./documented-codes.ts";
import type { HttpFuzzContext, HttpInput, HttpRequestSpec } from "./generators/http-bodies.ts";
import { preview, type Tally } from "./tally.ts";

/** What the HTTP lane needs. */
export interface HttpLaneDeps {
  baseUrl: string;
  ctx: HttpFuzzContext;
  docs: DocumentedCodes;
  tally: Tally;
  timeoutMs: number;
}

function chunkedBody(body: string | Uint8Array): ReadableStream<Uint8Array> {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  const CHUNK = 16_384;
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + CHUNK));
      offset += CHUNK;
    },
  });
}

/** Makes one request; the observation, or the network error's message. */
export async function request(
  baseUrl: string,
  spec: HttpRequestSpec,
  timeoutMs: number,
): Promise<HttpObservation | { error: string }> {
  try {
    const body = spec.body === undefined ? undefined : spec.chunked ? chunkedBody(spec.body) : spec.body;
    const res = await fetch(`${baseUrl}${spec.path}`, {
      method: spec.method,
      headers: spec.headers,
      ...(body !== undefined ? { body } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return {
      method: spec.method,
      status: res.status,
      contentType: res.headers.get("content-type") ?? "",
      body: await res.text(),
    };
  } catch (e: unknown) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

function describe(spec: HttpRequestSpec): string {
  const auth =
    spec.headers.authorization !== undefined ? ` auth=${JSON.stringify(spec.headers.authorization.slice(0, 40))}` : "";
  const body = spec.body === undefined ? "" : ` ${preview(spec.body)}`;
  return `${spec.method} ${spec.path}${spec.chunked ? " (chunked)" : ""}${auth}${body}`;
}

/** Sends every input one after another and classifies each answer. */
export async function runHttpLane(deps: HttpLaneDeps, inputs: readonly HttpInput[]): Promise<void> {
  for (const input of inputs) {
    const spec = input.build(deps.ctx);
    const obs = await request(deps.baseUrl, spec, deps.timeoutMs);
    const verdict =
      "error" in obs
        ? { expected: false as const, reply: "no response", why: obs.error }
        : classifyHttp(obs, deps.docs, spec.successAllowed ?? input.successAllowed);
    deps.tally.record(input.cls, describe(spec), verdict);
  }
}
