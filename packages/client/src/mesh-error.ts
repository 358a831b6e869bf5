/** Exit codes of the `mesh` binary. */
export const ExitCode = { ok: 0, failure: 1, usage: 2 } as const;

/**
 * The one error type of the SDK and the CLI: a stable `code` (the
 * broker's error code when it answered with one), a message for humans, and
 * the exit code it maps to.
 */
export class MeshError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: number = ExitCode.failure,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "MeshError";
  }
}

/** A usage mistake: exit code 2. */
export function usageError(message: string): MeshError {
  return new MeshError("usage", message, ExitCode.usage);
}
