import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type Ed25519KeyPair, generateEd25519KeyPair, status } from "@mesh/shared";
import { z } from "zod";
import { MeshError } from "../mesh-error.ts";
import { readPrivateJson, writePrivateJson } from "./mesh-home.ts";

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

const identitySchema = z.object({ publicKey: hex64, secretKey: hex64, createdAt: z.string() });

/** A mesh this identity joined: everything a session needs to connect and decrypt. */
export const membershipSchema = z.object({
  meshId: z.string(),
  slug: z.string(),
  memberId: z.string(),
  brokerUrl: z.string(),
  rootKey: z.string(),
  role: z.enum(["admin", "member"]),
  displayName: z.string(),
  joinedAt: z.string(),
});
export type Membership = z.infer<typeof membershipSchema>;
const membershipsSchema = z.object({ meshes: z.array(membershipSchema) });

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

/** A status change asked of a live session by `mesh status`; written only by that command. */
export const statusRequestSchema = z.object({ status, requestedAt: z.string() });
export type StatusRequest = z.infer<typeof statusRequestSchema>;

/** A mesh owner's keys, kept by the operator who created the mesh (`mesh admin`). */
export const ownerRecordSchema = z.object({
  meshId: z.string(),
  slug: z.string(),
  publicKey: hex64,
  secretKey: hex64,
  rootKey: z.string(),
  createdAt: z.string(),
});
export type OwnerRecord = z.infer<typeof ownerRecordSchema>;

/** The files of one `MESH_HOME`. */
export class MeshHome {
  constructor(readonly dir: string) {}

  /** This machine's identity in this home; undefined before the first join. */
  identity(): Ed25519KeyPair | undefined {
    const stored = readPrivateJson(join(this.dir, "identity.json"), identitySchema);
    return stored && { publicKey: stored.publicKey, secretKey: stored.secretKey };
  }

  /** The identity, generated and saved (0600) on first use. */
  identityOrCreate(): Ed25519KeyPair {
    const existing = this.identity();
    if (existing) return existing;
    const pair = generateEd25519KeyPair();
    writePrivateJson(join(this.dir, "identity.json"), { ...pair, createdAt: new Date().toISOString() });
    return pair;
  }

  memberships(): Membership[] {
    return readPrivateJson(join(this.dir, "meshes.json"), membershipsSchema)?.meshes ?? [];
  }

  /** Adds or replaces the membership of `membership.meshId`. */
  saveMembership(membership: Membership): void {
    const others = this.memberships().filter((m) => m.meshId !== membership.meshId);
    writePrivateJson(join(this.dir, "meshes.json"), { meshes: [...others, membership] });
  }

  /** The membership named by slug or id; the only one when `selector` is omitted. */
  membership(selector?: string): Membership {
    const all = this.memberships();
    if (all.length === 0) throw new MeshError("not_joined", `no mesh joined in ${this.dir}; run \`mesh join <link>\``);
    if (selector === undefined) {
      if (all.length > 1) {
        throw new MeshError(
          "mesh_ambiguous",
          `several meshes joined (${all.map((m) => m.slug).join(", ")}); pick one with --mesh`,
        );
      }
      return all[0] as Membership;
    }
    const found = all.find((m) => m.slug === selector || m.meshId === selector);
    if (!found) throw new MeshError("not_joined", `mesh "${selector}" is not joined in ${this.dir}`);
    return found;
  }

  /** Records of sessions whose holding process is still alive, most recently updated first. */
  sessions(): SessionRecord[] {
    const dir = join(this.dir, "sessions");
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
  saveSession(record: SessionRecord): void {
    writePrivateJson(this.#sessionFile(record.presenceId, SESSION_SUFFIX), record);
  }

  /** Removes the record (and any pending status request) of a session that ended. */
  forgetSession(presenceId: string): void {
    rmSync(this.#sessionFile(presenceId, SESSION_SUFFIX), { force: true });
    rmSync(this.#sessionFile(presenceId, REQUEST_SUFFIX), { force: true });
  }

  /** Asks the process holding `presenceId` to set its status. */
  requestStatus(presenceId: string, request: StatusRequest): void {
    writePrivateJson(this.#sessionFile(presenceId, REQUEST_SUFFIX), request);
  }

  /** The status request for a session this process holds, if one is waiting; taking it removes it. */
  takeStatusRequest(presenceId: string): StatusRequest | undefined {
    const file = this.#sessionFile(presenceId, REQUEST_SUFFIX);
    let request: StatusRequest | undefined;
    try {
      request = readPrivateJson(file, statusRequestSchema);
    } catch {
      request = undefined;
    }
    rmSync(file, { force: true });
    return request;
  }

  #sessionFile(presenceId: string, suffix: string): string {
    if (!/^[A-Za-z0-9-]{1,100}$/.test(presenceId)) throw new MeshError("bad_presence", "unexpected presence id");
    return join(this.dir, "sessions", `${presenceId}${suffix}`);
  }

  owner(slug: string): OwnerRecord | undefined {
    return readPrivateJson(join(this.dir, "owners", `${safeFileName(slug)}.json`), ownerRecordSchema);
  }

  saveOwner(record: OwnerRecord): void {
    writePrivateJson(join(this.dir, "owners", `${safeFileName(record.slug)}.json`), record);
  }
}

const SESSION_SUFFIX = ".session.json";
const REQUEST_SUFFIX = ".status-request.json";

/** Whether a process with this pid exists (and we may signal it, or it is someone else's). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: unknown) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function safeFileName(slug: string): string {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)) throw new MeshError("bad_slug", `"${slug}" is not a mesh slug`);
  return slug;
}
