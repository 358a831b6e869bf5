import { usageError } from "../cli-error.ts";

/** Lowercase letters, digits and inner hyphens; at most 63 characters (a DNS label). */
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Whether `value` is a valid mesh slug. */
export function isMeshSlug(value: string): boolean {
  return SLUG.test(value);
}

/** Returns the slug, or throws a usage error that says what a slug may hold. */
export function parseMeshSlug(value: string, flag = "--slug"): string {
  if (!isMeshSlug(value)) {
    throw usageError(
      `${flag} "${value}" is not a mesh slug: lowercase letters, digits and hyphens, 1 to 63 characters, no hyphen at either end`,
    );
  }
  return value;
}
