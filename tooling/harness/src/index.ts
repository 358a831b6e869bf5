export { BROKER_ENTRY, type BrokerChild, spawnBrokerChild, stopChild, waitUntilHealthy } from "./broker-child.ts";
export { argsOrExit, formatProgress, progressWriter } from "./cli-entry.ts";
export { type CommonFlags, type FlagsResult, parseChoiceList, walkFlags, walkHarnessFlags } from "./flags.ts";
export {
  type EmbeddedDatabase,
  type ExternalDatabase,
  openEmbeddedDatabase,
  openExternalDatabase,
} from "./harness-database.ts";
export { harnessEnv } from "./harness-env.ts";
export { parseLogLine, splitLines, streamLines } from "./log-lines.ts";
