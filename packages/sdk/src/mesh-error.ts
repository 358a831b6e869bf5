/**
 * The one error type of the SDK: a stable `code` (the broker's error code
 * when it answered with one) and a message for people.
 */
export class MeshError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "MeshError";
  }
}
