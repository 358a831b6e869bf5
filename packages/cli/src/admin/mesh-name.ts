import { usageError } from "../cli-error.ts";

/** Longest mesh name accepted (the admin API's limit). */
const MAX_NAME_LENGTH = 200;

/** A trimmed display name of 1 to 200 characters. */
export function parseMeshName(value: string, flag = "--name"): string {
  const name = value.trim();
  if (name === "" || name.length > MAX_NAME_LENGTH) {
    throw usageError(`${flag} must be 1 to ${MAX_NAME_LENGTH} characters`);
  }
  return name;
}
