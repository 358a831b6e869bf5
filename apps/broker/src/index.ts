import { randomUUID } from "node:crypto";
import { describeEnvProblem } from "@mesh/db";
import { toError } from "@mesh/shared";
import { startBroker } from "./broker.ts";
import { ENV_VARIABLES, formatEnvReference, parseConfig, REFERENCE_FLAGS } from "./config/index.ts";
import { createLogger } from "./lib/logger.ts";
import { installSignalHandlers } from "./lifecycle/shutdown.ts";

if (process.argv.slice(2).some((arg) => REFERENCE_FLAGS.includes(arg))) {
  // A reference, not a start: nothing is validated, opened or listened on.
  await Bun.write(Bun.stdout, formatEnvReference(ENV_VARIABLES));
  process.exit(0);
}

const parsed = parseConfig(process.env);
if (!parsed.ok) {
  createLogger("info").fatal(parsed.problem, describeEnvProblem(parsed.problem));
  process.exit(1);
}
const config = parsed.config;
// This process's id in the instance registry; every line it logs carries it, shutdown's included.
const instanceId = randomUUID();
const log = createLogger(config.logLevel, { instance_id: instanceId });

let shutdown: (() => Promise<void>) | undefined;
installSignalHandlers({
  log,
  shutdown: () => shutdown?.() ?? Promise.resolve(),
  exit: (code) => process.exit(code),
});

try {
  const broker = await startBroker(config, log, instanceId);
  shutdown = broker.shutdown;
} catch (e: unknown) {
  log.fatal({ err: toError(e) }, "broker failed to start");
  process.exit(1);
}
