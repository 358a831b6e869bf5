import type { Output } from "./command.ts";
import { terminalJson } from "./terminal-text.ts";

/**
 * Results for people, or one JSON value per line under `--json`; diagnostics
 * always on stderr. Human text is the command's to make safe (`terminalText`
 * on whatever a peer or the broker wrote); JSON is made safe here.
 */
export function createOutput(json: boolean, stdout = process.stdout, stderr = process.stderr): Output {
  return {
    result(text, data) {
      stdout.write(json ? `${terminalJson(data)}\n` : `${text}\n`);
    },
    info(text) {
      stderr.write(`${text}\n`);
    },
  };
}
