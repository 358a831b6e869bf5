import { join } from "node:path";
import { z } from "zod";
import { MeshError } from "../mesh-error.ts";
import { readPrivateJson, storedKeyHex, writePrivateJson } from "./private-json.ts";

/** A mesh owner's keys, kept by the operator who created the mesh (`mesh admin`). */
export const ownerRecordSchema = z.object({
  meshId: z.string(),
  slug: z.string(),
  publicKey: storedKeyHex,
  secretKey: storedKeyHex,
  rootKey: z.string(),
  createdAt: z.string(),
  /** The HTTP base of the broker the mesh was created on: `mesh admin` talks to it unless told otherwise. */
  brokerUrl: z.string().optional(),
});
export type OwnerRecord = z.infer<typeof ownerRecordSchema>;

/** A mesh slug safe to use as a file name. */
const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The owner keys of the meshes this home created (`owners/<slug>.json`). */
export class OwnerStore {
  readonly #dir: string;

  constructor(homeDir: string) {
    this.#dir = join(homeDir, "owners");
  }

  /** The owner record of mesh `slug`; undefined when this home did not create it. */
  get(slug: string): OwnerRecord | undefined {
    return readPrivateJson(this.#file(slug), ownerRecordSchema);
  }

  /** Writes (or replaces) the owner record of `record.slug`. */
  save(record: OwnerRecord): void {
    writePrivateJson(this.#file(record.slug), record);
  }

  #file(slug: string): string {
    if (!SLUG.test(slug)) throw new MeshError("bad_slug", `"${slug}" is not a mesh slug`);
    return join(this.#dir, `${slug}.json`);
  }
}
