import { join } from "node:path";
import { MeshError } from "../mesh-error.ts";

/** A presence id safe to use as a file name: it comes from the broker, so it is checked before it names a path. */
const PRESENCE_ID = /^[A-Za-z0-9-]{1,100}$/;

/** The folder of the per-session files of a home. */
export function sessionsDir(homeDir: string): string {
  return join(homeDir, "sessions");
}

/** The file `<presenceId><suffix>` in the sessions folder; refuses a presence id that could escape it. */
export function presenceFile(homeDir: string, presenceId: string, suffix: string): string {
  if (!PRESENCE_ID.test(presenceId)) throw new MeshError("bad_presence", "unexpected presence id");
  return join(sessionsDir(homeDir), `${presenceId}${suffix}`);
}
