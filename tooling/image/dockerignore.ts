/**
 * The subset of `.dockerignore` syntax this repository uses: `*`, `?` and
 * `**` globs matched against the path from the context root, as Docker does
 * (a pattern that does not start with a `**` segment matches at the root
 * only). Exceptions (`!`) and character classes are refused rather than
 * half-supported, so the assembled folder cannot silently differ from what
 * Docker would send.
 */
export function parseDockerignore(text: string): RegExp[] {
  const patterns: RegExp[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    if (/[![\]\\]/.test(line)) throw new Error(`.dockerignore pattern not supported by tooling/image: ${line}`);
    patterns.push(globToRegExp(line.replace(/^\.?\/+/, "").replace(/\/+$/, "")));
  }
  return patterns;
}

/** True when `relativePath` (slash-separated, from the context root) is left out of the context. */
export function isIgnored(patterns: readonly RegExp[], relativePath: string): boolean {
  return patterns.some((p) => p.test(relativePath));
}

function globToRegExp(glob: string): RegExp {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob.charAt(i);
    if (c === "*" && glob.charAt(i + 1) === "*") {
      i++;
      if (glob.charAt(i + 1) === "/") {
        i++;
        source += "(?:.*/)?";
      } else {
        source += ".*";
      }
    } else if (c === "*") {
      source += "[^/]*";
    } else if (c === "?") {
      source += "[^/]";
    } else {
      source += c.replace(/[.+^${}()|]/g, "\\$&");
    }
  }
  return new RegExp(`^${source}$`);
}
