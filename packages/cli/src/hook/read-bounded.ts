/** How reading a bounded input ended. */
export type BoundedRead =
  | { kind: "ok"; text: string }
  | { kind: "too_large" }
  | { kind: "timeout" }
  | { kind: "error"; message: string };

/**
 * Reads a stream to its end as UTF-8, giving up after `maxBytes` or when it
 * has not ended within `timeoutMs` (a terminal, a writer that never closes).
 * Never rejects; stops listening when it settles.
 */
export function readBounded(
  stream: NodeJS.ReadableStream,
  limits: { maxBytes: number; timeoutMs: number },
): Promise<BoundedRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: BoundedRead) => {
      clearTimeout(timer);
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("error", onError);
      stream.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
      size += bytes.length;
      if (size > limits.maxBytes) return finish({ kind: "too_large" });
      chunks.push(bytes);
    };
    const onEnd = () => finish({ kind: "ok", text: Buffer.concat(chunks).toString("utf8") });
    const onError = (e: unknown) => finish({ kind: "error", message: e instanceof Error ? e.message : String(e) });
    const timer = setTimeout(() => finish({ kind: "timeout" }), limits.timeoutMs);
    stream.on("data", onData);
    stream.on("end", onEnd);
    stream.on("error", onError);
    stream.resume();
  });
}
