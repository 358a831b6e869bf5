export { type Config, type ConfigProblem, parseConfig } from "./config.ts";
