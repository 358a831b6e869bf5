import { rmSync } from "node:fs";
import { status } from "@mesh/shared";
import { z } from "zod";
import { presenceFile } from "./presence-file.ts";
import { readPrivateJson, writePrivateJson } from "./private-json.ts";

/** A status change asked of a live session by `mesh status`; written only by that command. */
export const statusRequestSchema = z.object({ status, requestedAt: z.string() });
export type StatusRequest = z.infer<typeof statusRequestSchema>;

const REQUEST_SUFFIX = ".status-request.json";

/**
 * Status changes waiting for the process that holds a session
 * (`sessions/<presenceId>.status-request.json`): `mesh status` leaves one,
 * the holder takes it.
 */
export class StatusRequestStore {
  readonly #homeDir: string;

  constructor(homeDir: string) {
    this.#homeDir = homeDir;
  }

  /** Asks the process holding `presenceId` to set its status. */
  put(presenceId: string, request: StatusRequest): void {
    writePrivateJson(presenceFile(this.#homeDir, presenceId, REQUEST_SUFFIX), request);
  }

  /** The request waiting for `presenceId`, if any; taking it removes it, and an unreadable one counts as none. */
  take(presenceId: string): StatusRequest | undefined {
    const file = presenceFile(this.#homeDir, presenceId, REQUEST_SUFFIX);
    let request: StatusRequest | undefined;
    try {
      request = readPrivateJson(file, statusRequestSchema);
    } catch {
      request = undefined;
    }
    rmSync(file, { force: true });
    return request;
  }

  /** Drops a request nobody will take (its session ended). */
  forget(presenceId: string): void {
    rmSync(presenceFile(this.#homeDir, presenceId, REQUEST_SUFFIX), { force: true });
  }
}
