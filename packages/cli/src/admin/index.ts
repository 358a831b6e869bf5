export { type BootstrappedMesh, bootstrapMesh } from "./bootstrap-mesh.ts";
export { claudemeshProfileWarning, isClientProfile, parseClientProfile } from "./client-profile.ts";
export { parseDuration } from "./duration.ts";
export { parseMeshName } from "./mesh-name.ts";
export { isMeshSlug, parseMeshSlug } from "./mesh-slug.ts";
export { type AdminDatabase, adminDatabaseSource, asDatabaseError, openAdminDatabase } from "./open-admin-database.ts";
