/** A UTF-16 surrogate without its other half. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The path of the first string in `value` that Postgres `text` cannot store
 * as it is, or undefined. NUL makes the query fail (a 500 or `internal`); a
 * lone surrogate arrives as U+FFFD, so the stored value no longer equals the
 * one sent (a retried `send` id stops matching its original). Walks without
 * recursion, since a body may nest thousands of levels; `skipKeys` are
 * top-level fields that are only echoed, never stored.
 */
export function unstorableTextPath(value: unknown, skipKeys: ReadonlySet<string> = new Set()): string | undefined {
  const stack: [unknown, string][] = [[value, ""]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [current, path] = item;
    if (typeof current === "string") {
      if (current.includes("\u0000") || LONE_SURROGATE.test(current)) return path || "value";
    } else if (Array.isArray(current)) {
      current.forEach((v, i) => {
        stack.push([v, `${path}[${i}]`]);
      });
    } else if (typeof current === "object" && current !== null) {
      for (const [k, v] of Object.entries(current)) {
        if (path === "" && skipKeys.has(k)) continue;
        stack.push([v, path ? `${path}.${k}` : k]);
      }
    }
  }
  return undefined;
}
