import { homedir } from "node:os";
import { join } from "node:path";
import type { Ed25519KeyPair } from "@mesh/shared";
import { IdentityStore } from "./identity-store.ts";
import { type Membership, MembershipStore } from "./membership-store.ts";
import { type OwnerRecord, OwnerStore } from "./owner-store.ts";
import { type SessionRecord, SessionStore } from "./session-store.ts";
import { type StatusRequest, StatusRequestStore } from "./status-request-store.ts";

/**
 * The config folder of one identity: `MESH_HOME`, else `mesh` under the
 * user's config directory (`XDG_CONFIG_HOME`, `%APPDATA%`, or `~/.config`).
 * Point `MESH_HOME` elsewhere to run several identities on one machine.
 */
export function resolveMeshHome(env: Record<string, string | undefined>): string {
  if (env.MESH_HOME) return env.MESH_HOME;
  const configDir = env.XDG_CONFIG_HOME || (process.platform === "win32" && env.APPDATA) || join(homedir(), ".config");
  return join(configDir, "mesh");
}

/** The files of one `MESH_HOME`, one store per kind of file. */
export class MeshHome {
  readonly #identity: IdentityStore;
  readonly #memberships: MembershipStore;
  readonly #sessions: SessionStore;
  readonly #statusRequests: StatusRequestStore;
  readonly #owners: OwnerStore;

  constructor(readonly dir: string) {
    this.#identity = new IdentityStore(dir);
    this.#memberships = new MembershipStore(dir);
    this.#sessions = new SessionStore(dir);
    this.#statusRequests = new StatusRequestStore(dir);
    this.#owners = new OwnerStore(dir);
  }

  /** This machine's identity in this home; undefined before the first join. */
  identity(): Ed25519KeyPair | undefined {
    return this.#identity.get();
  }

  /** The identity, generated and saved (0600) on first use. */
  identityOrCreate(): Ed25519KeyPair {
    return this.#identity.getOrCreate();
  }

  /** Every mesh this home joined. */
  memberships(): Membership[] {
    return this.#memberships.all();
  }

  /** Adds or replaces the membership of `membership.meshId`. */
  saveMembership(membership: Membership): void {
    this.#memberships.save(membership);
  }

  /** The membership named by slug or id; the only one when `selector` is omitted. */
  membership(selector?: string): Membership {
    return this.#memberships.select(selector);
  }

  /** Records of sessions whose holding process is still alive, most recently updated first. */
  sessions(): SessionRecord[] {
    return this.#sessions.alive();
  }

  /** Writes the record of a session this process holds. */
  saveSession(record: SessionRecord): void {
    this.#sessions.save(record);
  }

  /** Removes the record (and any pending status request) of a session that ended. */
  forgetSession(presenceId: string): void {
    this.#sessions.forget(presenceId);
    this.#statusRequests.forget(presenceId);
  }

  /** Asks the process holding `presenceId` to set its status. */
  requestStatus(presenceId: string, request: StatusRequest): void {
    this.#statusRequests.put(presenceId, request);
  }

  /** The status request for a session this process holds, if one is waiting; taking it removes it. */
  takeStatusRequest(presenceId: string): StatusRequest | undefined {
    return this.#statusRequests.take(presenceId);
  }

  /** The owner keys of mesh `slug`, if this home created it. */
  owner(slug: string): OwnerRecord | undefined {
    return this.#owners.get(slug);
  }

  /** Keeps the owner keys of a mesh this home created. */
  saveOwner(record: OwnerRecord): void {
    this.#owners.save(record);
  }
}
