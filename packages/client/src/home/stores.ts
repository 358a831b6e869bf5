import { join } from "node:path";
import { type Ed25519KeyPair, generateEd25519KeyPair } from "@mesh/shared";
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

/** A live session's hook token, so `mesh hook` can scope its POST to that session. */
export const sessionRecordSchema = z.object({
  meshId: z.string(),
  brokerUrl: z.string(),
  cwd: z.string(),
  pid: z.number().int(),
  presenceId: z.string(),
  hookToken: z.string(),
  updatedAt: z.string(),
});
export type SessionRecord = z.infer<typeof sessionRecordSchema>;
const sessionsSchema = z.object({ sessions: z.array(sessionRecordSchema) });

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

/** Session records older than this are ignored by hooks and pruned on write. */
const SESSION_RECORD_MAX_AGE_MS = 7 * 24 * 3600_000;

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
        throw new MeshError("mesh_ambiguous", `several meshes joined (${all.map((m) => m.slug).join(", ")}); pick one with --mesh`);
      }
      return all[0] as Membership;
    }
    const found = all.find((m) => m.slug === selector || m.meshId === selector);
    if (!found) throw new MeshError("not_joined", `mesh "${selector}" is not joined in ${this.dir}`);
    return found;
  }

  /** Live (recent) session records. */
  sessions(now = Date.now()): SessionRecord[] {
    const all = readPrivateJson(join(this.dir, "sessions.json"), sessionsSchema)?.sessions ?? [];
    return all.filter((s) => now - Date.parse(s.updatedAt) < SESSION_RECORD_MAX_AGE_MS);
  }

  /** Records a session's hook token, replacing an older record of the same mesh and cwd. */
  saveSession(record: SessionRecord): void {
    const others = this.sessions().filter((s) => !(s.meshId === record.meshId && s.cwd === record.cwd));
    writePrivateJson(join(this.dir, "sessions.json"), { sessions: [...others, record] });
  }

  /** Removes the record of a presence that ended. */
  forgetSession(presenceId: string): void {
    const sessions = this.sessions();
    const kept = sessions.filter((s) => s.presenceId !== presenceId);
    if (kept.length !== sessions.length) writePrivateJson(join(this.dir, "sessions.json"), { sessions: kept });
  }

  owner(slug: string): OwnerRecord | undefined {
    return readPrivateJson(join(this.dir, "owners", `${safeFileName(slug)}.json`), ownerRecordSchema);
  }

  saveOwner(record: OwnerRecord): void {
    writePrivateJson(join(this.dir, "owners", `${safeFileName(record.slug)}.json`), record);
  }
}

function safeFileName(slug: string): string {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)) throw new MeshError("bad_slug", `"${slug}" is not a mesh slug`);
  return slug;
}
