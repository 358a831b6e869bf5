export { type Config, type ConfigProblem, parseConfig } from "./config.ts";
export { formatEnvReference, REFERENCE_FLAGS } from "./env-reference.ts";
export { ENV_VARIABLES } from "./env-schema.ts";
