import { toError } from "@mesh/shared";
import { startBroker } from "./broker.ts";
import { parseConfig } from "./config/index.ts";
import { createLogger } from "./lib/logger.ts";
import { installSignalHandlers } from "./lifecycle/shutdown.ts";

const parsed = parseConfig(process.env);
if (!parsed.ok) {
  const { variable, value, problem, accepted } = parsed.problem;
  createLogger("info").fatal(
    { variable, value, problem, accepted },
    `invalid configuration: ${variable} ${problem}; accepted: ${accepted}`,
  );
  process.exit(1);
}
const config = parsed.config;
const log = createLogger(config.logLevel);

let shutdown: (() => Promise<void>) | undefined;
installSignalHandlers({
  log,
  shutdown: () => shutdown?.() ?? Promise.resolve(),
  exit: (code) => process.exit(code),
});

try {
  const broker = await startBroker(config, log);
  shutdown = broker.shutdown;
} catch (e: unknown) {
  log.fatal({ err: toError(e) }, "broker failed to start");
  process.exit(1);
}
