import pino from "pino";

/** The broker's logger type (pino). */
export type Logger = pino.Logger;

/**
 * JSON lines on stderr, written synchronously so nothing is lost when the
 * process exits right after logging (shutdown, fatal start-up errors).
 */
export function createLogger(level: pino.LevelWithSilent, base: Record<string, unknown> = {}): Logger {
  return pino(
    {
      level,
      base: { service: "mesh-broker", ...base },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ dest: 2, sync: true }),
  );
}
