import type { Output } from "./command.ts";

/** Output for people, or one JSON value per line under `--json`. */
export function createOutput(json: boolean, stdout = process.stdout, stderr = process.stderr): Output {
  return {
    result(text, data) {
      stdout.write(json ? `${JSON.stringify(data)}\n` : `${text}\n`);
    },
    info(text) {
      if (!json) stderr.write(`${text}\n`);
    },
  };
}
