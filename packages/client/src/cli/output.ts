import type { Output } from "./command.ts";

/** Results for people, or one JSON value per line under `--json`; diagnostics always on stderr. */
export function createOutput(json: boolean, stdout = process.stdout, stderr = process.stderr): Output {
  return {
    result(text, data) {
      stdout.write(json ? `${JSON.stringify(data)}\n` : `${text}\n`);
    },
    info(text) {
      stderr.write(`${text}\n`);
    },
  };
}
