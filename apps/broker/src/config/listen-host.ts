import { isIP } from "node:net";

/** One DNS label (RFC 1123): letters, digits and inner hyphens, 1 to 63 characters. */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const MAX_HOSTNAME_LENGTH = 253;

/**
 * True for what `Bun.serve` can listen on: an IPv4 or IPv6 literal (no
 * brackets, no port) or a host name. A dotted name ending in digits is
 * a mistyped IPv4 address, not a name.
 */
export function isListenHost(value: string): boolean {
  if (isIP(value) !== 0) return true;
  if (value.length > MAX_HOSTNAME_LENGTH) return false;
  const labels = value.split(".");
  return labels.every((label) => LABEL.test(label)) && !/^[0-9]+$/.test(labels[labels.length - 1] ?? "");
}
