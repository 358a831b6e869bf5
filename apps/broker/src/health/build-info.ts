import { spawnSync } from "node:child_process";
import packageJson from "../../package.json" with { type: "json" };

/** What `/health` reports about the running build. */
export interface BuildInfo {
  version: string;
  gitSha: string;
}

/** The package version, and `GIT_SHA` or else the checkout's HEAD, or `unknown`. */
export function readBuildInfo(gitShaFromEnv: string | undefined): BuildInfo {
  return { version: packageJson.version, gitSha: gitShaFromEnv ?? gitHead() ?? "unknown" };
}

function gitHead(): string | undefined {
  try {
    const result = spawnSync("git", ["rev-parse", "--short", "HEAD"], {
      cwd: import.meta.dir,
      encoding: "utf8",
      timeout: 2000,
    });
    const sha = result.stdout?.trim();
    return result.status === 0 && sha ? sha : undefined;
  } catch {
    return undefined;
  }
}
