import { ErrorCode } from "@mesh/shared";
import type { z } from "zod";
import { BrokerError } from "./broker-error.ts";

/**
 * Reads a request body of at most `maxBytes` and parses it with `schema`:
 * too large → 413 `payload_too_large`, not JSON → 400 `bad_json`, wrong
 * fields → 400 `bad_request` naming the first problem.
 */
export async function readJsonBody<S extends z.ZodType>(
  req: Request,
  schema: S,
  maxBytes: number,
): Promise<z.infer<S>> {
  const declared = Number(req.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const bytes = new Uint8Array(await req.arrayBuffer());
  if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
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
  return parsed.data;
}

function tooLarge(maxBytes: number): BrokerError {
  return new BrokerError(ErrorCode.payloadTooLarge, 413, `the body exceeds ${maxBytes} bytes`);
}
