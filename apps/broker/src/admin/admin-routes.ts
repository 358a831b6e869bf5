import type { Routes } from "../server/router.ts";
import type { AdminDeps } from "./admin-route.ts";
import { inviteRoutes } from "./invite-routes.ts";
import { memberRoutes } from "./member-routes.ts";
import { meshRoutes } from "./mesh-routes.ts";
import { sessionRoutes } from "./session-routes.ts";

/** Every route of the admin API (docs/admin-api.md#routes). */
export function adminRoutes(deps: AdminDeps): Routes {
  return { ...meshRoutes(deps), ...inviteRoutes(deps), ...memberRoutes(deps), ...sessionRoutes(deps) };
}
