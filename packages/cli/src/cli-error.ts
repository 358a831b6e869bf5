/** Exit codes of the `mesh` binary. */
export const ExitCode = { ok: 0, failure: 1, usage: 2 } as const;

/**
 * A failure of the CLI itself rather than of the SDK (a usage mistake, an
 * admin command's database answer): a stable `code`, a message for people,
 * and the exit code it maps to. Errors of the SDK are `MeshError`s and exit 1.
 */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: number = ExitCode.failure,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "CliError";
  }
}

/** A usage mistake: exit code 2, and the command's help follows the message. */
export function usageError(message: string): CliError {
  return new CliError("usage", message, ExitCode.usage);
}
