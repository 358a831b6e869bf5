import { join } from "node:path";
import { z } from "zod";
import { MeshError } from "../mesh-error.ts";
import { readPrivateJson, writePrivateJson } from "./private-json.ts";

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

/** `meshes.json`: every membership of the home, in the order they were joined. */
const membershipsSchema = z.object({ meshes: z.array(membershipSchema) });

/** The meshes one home joined (`meshes.json`). */
export class MembershipStore {
  readonly #dir: string;
  readonly #file: string;

  constructor(dir: string) {
    this.#dir = dir;
    this.#file = join(dir, "meshes.json");
  }

  /** Every membership; none before the first join. */
  all(): Membership[] {
    return readPrivateJson(this.#file, membershipsSchema)?.meshes ?? [];
  }

  /** Adds or replaces the membership of `membership.meshId`. */
  save(membership: Membership): void {
    const others = this.all().filter((m) => m.meshId !== membership.meshId);
    writePrivateJson(this.#file, { meshes: [...others, membership] });
  }

  /** The membership named by slug or id; the only one when `selector` is omitted. */
  select(selector?: string): Membership {
    const all = this.all();
    if (all.length === 0) throw new MeshError("not_joined", `no mesh joined in ${this.#dir}; run \`mesh join <link>\``);
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
    if (!found) throw new MeshError("not_joined", `mesh "${selector}" is not joined in ${this.#dir}`);
    return found;
  }
}
