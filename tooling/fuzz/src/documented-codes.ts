import { CloseCode, ErrorCode } from "@mesh/shared";

/** What the project promises a client may see: error codes, their HTTP statuses, close codes. */
export interface DocumentedCodes {
  /** `ErrorCode` values that DEPLOY.md also documents. */
  errorCodes: ReadonlySet<string>;
  /** HTTP status of each code in DEPLOY.md's HTTP table. */
  httpStatus: ReadonlyMap<string, number>;
  /** `CloseCode` values. */
  closeCodes: ReadonlySet<number>;
}

const HTTP_ROW = /^\|\s*`([a-z_]+)`\s*\|\s*(\d{3})\s*\|/;

/**
 * Reads DEPLOY.md's "Error codes and close codes" section: an `ErrorCode`
 * counts as documented only when DEPLOY.md names it, and an HTTP code's
 * status is the one its table gives.
 */
export function documentedCodes(deployMd: string): DocumentedCodes {
  const start = deployMd.indexOf("## Error codes and close codes");
  const section = start >= 0 ? deployMd.slice(start) : "";
  const errorCodes = new Set(Object.values(ErrorCode).filter((code) => section.includes(`\`${code}\``)));
  const httpStart = section.indexOf("### HTTP");
  const httpEnd = section.indexOf("###", httpStart + 1);
  const httpSection = httpStart >= 0 ? section.slice(httpStart, httpEnd > 0 ? httpEnd : undefined) : "";
  const httpStatus = new Map<string, number>();
  for (const line of httpSection.split("\n")) {
    const match = HTTP_ROW.exec(line.trim());
    if (match?.[1] && match[2]) httpStatus.set(match[1], Number(match[2]));
  }
  return { errorCodes, httpStatus, closeCodes: new Set(Object.values(CloseCode)) };
}
