/** Splits `buffered` text into its complete lines and the unfinished rest. */
export function splitLines(buffered: string): { lines: string[]; rest: string } {
  const lines = buffered.split("\n");
  const rest = lines.pop() ?? "";
  return { lines, rest };
}

/** A JSON log line as an object, or undefined when the line is not one (a crash report, a stray print). */
export function parseLogLine(raw: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Feeds every complete line of `stream` (a child's stderr) to `onLine`, in order, until the stream ends. */
export async function streamLines(stream: ReadableStream<Uint8Array>, onLine: (raw: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    const { lines, rest } = splitLines(buffered + decoder.decode(chunk, { stream: true }));
    buffered = rest;
    for (const line of lines) onLine(line);
  }
}
