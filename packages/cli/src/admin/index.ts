export { claudemeshProfileWarning, isClientProfile, parseClientProfile } from "./client-profile.ts";
export { type CreatedInvite, createInvite, type InviteRequest } from "./create-invite.ts";
export { type CreatedMesh, createMesh, parseMeshName } from "./create-mesh.ts";
export { parseDuration } from "./duration.ts";
export { isMeshSlug, parseMeshSlug } from "./mesh-slug.ts";
export { type AdminDatabase, adminDatabaseSource, asDatabaseError, openAdminDatabase } from "./open-admin-database.ts";
export { PROFILE_CHANGED_EVENT, type ProfileChange, setMeshProfile } from "./set-mesh-profile.ts";
export { type InviteTerms, type SignedInvite, signInvite } from "./signed-invite.ts";
