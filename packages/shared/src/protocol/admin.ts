import { z } from "zod";
import { displayName, TERMINAL_UNSAFE_CHARACTER } from "./http.ts";
import { clientProfile, publicKeyHex } from "./primitives.ts";

/** Lowercase letters, digits and inner hyphens; at most 63 characters (a DNS label). */
export const MESH_SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** A mesh slug, as `/admin/meshes/:slug` and `POST /admin/meshes` take it. */
export const meshSlug = z
  .string()
  .regex(MESH_SLUG_PATTERN, "must be 1 to 63 lowercase letters, digits and inner hyphens")
  .describe("A mesh's short name: 1 to 63 lowercase letters, digits and hyphens, no hyphen at either end.");

/** A mesh's name: no control or bidirectional characters, 1–200 characters once trimmed. */
export const meshName = z
  .string()
  .regex(
    new RegExp(`^[^${TERMINAL_UNSAFE_CHARACTER.source.slice(1, -1)}]*$`),
    "must not contain control characters (line breaks, escape sequences) or bidirectional overrides",
  )
  .trim()
  .min(1)
  .max(200)
  .describe("1 to 200 characters once trimmed; no control characters or bidirectional overrides.");

/** `POST /admin/meshes` (docs/admin-api.md#post-adminmeshes). */
export const adminCreateMeshRequest = z
  .object({
    slug: meshSlug,
    name: meshName,
    ownerPubkey: publicKeyHex.describe("The owner's ed25519 public key: it signs invites and admin requests."),
    profile: clientProfile.optional(),
    rootKey: z
      .string()
      .regex(/^[A-Za-z0-9_+/=-]{16,512}$/, "must be 16 to 512 base64 or base64url characters")
      .optional()
      .describe("The mesh's shared key; 32 random bytes in base64url when absent."),
  })
  .describe("The body of POST /admin/meshes.");
export type AdminCreateMeshRequest = z.infer<typeof adminCreateMeshRequest>;

/** `PATCH /admin/meshes/:slug`: at least one field. */
export const adminUpdateMeshRequest = z
  .object({ name: meshName.optional(), profile: clientProfile.optional() })
  .refine((b) => b.name !== undefined || b.profile !== undefined, { message: "name or profile is required" })
  .describe("The body of PATCH /admin/meshes/:slug.");
export type AdminUpdateMeshRequest = z.infer<typeof adminUpdateMeshRequest>;

/** `POST /admin/meshes/:slug/invites`: a link the owner signed, and its uses. */
export const adminCreateInviteRequest = z
  .object({
    link: z.string().min(1).max(16_384).describe("The ic://join/ link the mesh owner signed, or its base64url part."),
    maxUses: z.number().int().min(1).max(10_000).optional().describe("How many members may join with it; 1."),
  })
  .describe("The body of POST /admin/meshes/:slug/invites.");
export type AdminCreateInviteRequest = z.infer<typeof adminCreateInviteRequest>;

/** `PATCH /admin/meshes/:slug/members/:memberId`. */
export const adminRenameMemberRequest = z
  .object({ name: displayName.describe("The rules of a /join display name; unique in the mesh, ignoring case.") })
  .describe("The body of PATCH /admin/meshes/:slug/members/:memberId.");
export type AdminRenameMemberRequest = z.infer<typeof adminRenameMemberRequest>;

/** A POST whose route takes no field: any JSON object, or no body at all. */
export const adminEmptyRequest = z.object({}).describe("An admin POST without fields.");
