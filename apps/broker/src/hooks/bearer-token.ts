/** What an `Authorization` header says about a hook's token. */
export type BearerToken = { kind: "none" } | { kind: "token"; token: string } | { kind: "malformed" };

/** Longer than any token the broker hands out, by far; a longer one is refused without hashing it. */
const MAX_TOKEN_LENGTH = 512;

/**
 * Reads `Authorization: Bearer <token>` (scheme case-insensitive). No header,
 * or an empty one, is `none`; any other scheme or shape is `malformed`.
 */
export function parseBearerToken(header: string | null): BearerToken {
  const value = header?.trim() ?? "";
  if (value === "") return { kind: "none" };
  const match = /^bearer +(\S+)$/i.exec(value);
  const token = match?.[1];
  if (token === undefined || token.length > MAX_TOKEN_LENGTH) return { kind: "malformed" };
  return { kind: "token", token };
}
