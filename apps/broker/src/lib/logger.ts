import pino from "pino";

/** The broker's logger type (pino). */
export type Logger = pino.Logger;

/**
 * Fields never written as they are, at the top level or one object down:
 * hook tokens and bearer headers, signatures, envelope contents. Code does
 * not log them on purpose; this catches the line that would by accident.
 */
export const REDACTED_FIELDS = [
  "token",
  "hook_token",
  "hookToken",
  "authorization",
  "signature",
  "ciphertext",
  "nonce",
  "invite_token",
  "invite_payload",
] as const;

/** What a redacted value is replaced with. */
export const REDACTED = "[redacted]";

/**
 * JSON lines on stderr (or `destination`, in tests), written synchronously
 * so nothing is lost when the process exits right after logging (shutdown,
 * fatal start-up errors). Field names are snake_case; child loggers carry
 * the ids of what a line is about (instance, session, request).
 */
export function createLogger(
  level: pino.LevelWithSilent,
  base: Record<string, unknown> = {},
  destination: pino.DestinationStream = pino.destination({ dest: 2, sync: true }),
): Logger {
  return pino(
    {
      level,
      base: { service: "mesh-broker", ...base },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_FIELDS.flatMap((f) => [f, `*.${f}`]), censor: REDACTED },
    },
    destination,
  );
}
