import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { status } from "@mesh/shared";
import { z } from "zod";
import { presenceFile, sessionsDir } from "./presence-file.ts";
import { readPrivateJson, writePrivateJson } from "./private-json.ts";

/**
 * A live session held by a process of this home (`mesh listen`): its hook
 * token, so `mesh hook` can scope its POST to that session, and its status.
 * Written only by the process holding the session.
 */
export const sessionRecordSchema = z.object({
  meshId: z.string(),
  brokerUrl: z.string(),
  cwd: z.string(),
  /** The agent process whose hooks report this session's status (sent in hello). */
  pid: z.number().int(),
  /** The process holding the socket; the record is ignored once it is gone. */
  holderPid: z.number().int(),
  presenceId: z.string(),
  hookToken: z.string(),
  status: status.optional(),
  updatedAt: z.string(),
});
export type SessionRecord = z.infer<typeof sessionRecordSchema>;

const SESSION_SUFFIX = ".session.json";

/** Records of the sessions this home's processes hold (`sessions/<presenceId>.session.json`). */
export class SessionStore {
  readonly #homeDir: string;

  constructor(homeDir: string) {
    this.#homeDir = homeDir;
  }

  /** Records whose holding process is still alive, most recently updated first; unreadable ones are skipped. */
  alive(): SessionRecord[] {
    const dir = sessionsDir(this.#homeDir);
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith(SESSION_SUFFIX));
    } catch {
      return [];
    }
    const records: SessionRecord[] = [];
    for (const name of names) {
      let record: SessionRecord | undefined;
      try {
        record = readPrivateJson(join(dir, name), sessionRecordSchema);
      } catch {
        continue;
      }
      if (record && processAlive(record.holderPid)) records.push(record);
    }
    return records.sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt));
  }

  /** Writes the record of a session this process holds. */
  save(record: SessionRecord): void {
    writePrivateJson(presenceFile(this.#homeDir, record.presenceId, SESSION_SUFFIX), record);
  }

  /** Removes the record of a session that ended. */
  forget(presenceId: string): void {
    rmSync(presenceFile(this.#homeDir, presenceId, SESSION_SUFFIX), { force: true });
  }
}

/** Whether a process with this pid exists (and we may signal it, or it is someone else's). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: unknown) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
