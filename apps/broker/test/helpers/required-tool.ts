import { test } from "bun:test";

/** A real program some tests drive, found on PATH or not. */
export interface RequiredTool {
  /** Its absolute path; undefined when it is absent. */
  path: string | undefined;
  /** True when the tests that need it must not run here (absent, outside CI). */
  skip: boolean;
}

/**
 * Looks `command` up on PATH for the tests of this file. Absent outside CI:
 * prints one line saying which tests skip and what to install, and `skip`
 * is true. Absent with `CI=true`: registers a failing test naming the
 * package, so a runner without it cannot pass by skipping.
 */
export function requireTool(command: string, debianPackage: string, what: string): RequiredTool {
  const path = Bun.which(command) ?? undefined;
  if (path) return { path, skip: false };
  const missing = `${command} not found on PATH (Debian package ${debianPackage})`;
  if (process.env.CI === "true") {
    test(`${command} is installed (${what})`, () => {
      throw new Error(`${missing}; CI must install it`);
    });
    return { path: undefined, skip: true };
  }
  console.log(`SKIP ${what}: ${missing}; with CI=true this fails`);
  return { path: undefined, skip: true };
}
