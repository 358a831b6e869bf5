import { ErrorCode } from "@mesh/shared";
import type { z } from "zod";
import { unstorableTextPath } from "../lib/storable-text.ts";
import { BrokerError } from "./broker-error.ts";

/**
 * Reads a request body of at most `maxBytes` and parses it with `schema`:
 * too large → 413 `payload_too_large`, not JSON → 400 `bad_json`, wrong
 * fields, or text Postgres cannot store (NUL, a lone surrogate) → 400
 * `bad_request` naming the first problem.
 */
export async function readJsonBody<S extends z.ZodType>(
  req: Request,
  schema: S,
  maxBytes: number,
): Promise<z.infer<S>> {
  return parseJsonBytes(await readBodyBytes(req, maxBytes), schema);
}

/**
 * The raw body of at most `maxBytes` (413 `payload_too_large` past it, by
 * `Content-Length` or while reading): what a signature over the body covers.
 */
export async function readBodyBytes(req: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  return readAtMost(req, maxBytes);
}

/** Parses body bytes as {@link readJsonBody} does: 400 `bad_json` or `bad_request` naming the first problem. */
export function parseJsonBytes<S extends z.ZodType>(bytes: Uint8Array, schema: S): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new BrokerError(ErrorCode.badJson, 400, "the body is not valid UTF-8 JSON");
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") || "body";
    throw new BrokerError(ErrorCode.badRequest, 400, `${field}: ${issue?.message ?? "invalid"}`);
  }
  const unstorable = unstorableTextPath(parsed.data);
  if (unstorable !== undefined) {
    throw new BrokerError(ErrorCode.badRequest, 400, `${unstorable}: NUL and lone surrogates are not accepted`);
  }
  return parsed.data;
}

/**
 * The body, read chunk by chunk and abandoned as soon as it passes
 * `maxBytes`: a chunked body without a Content-Length then gets our JSON 413
 * instead of running into Bun's bare 413 at `maxRequestBodySize`.
 */
async function readAtMost(req: Request, maxBytes: number): Promise<Uint8Array> {
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function tooLarge(maxBytes: number): BrokerError {
  return new BrokerError(ErrorCode.payloadTooLarge, 413, `the body exceeds ${maxBytes} bytes`);
}
