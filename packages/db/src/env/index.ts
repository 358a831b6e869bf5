export {
  DATABASE_ENV_VARIABLES,
  type DatabaseEnv,
  type DatabaseSource,
  databaseEnvProblem,
  databaseSource,
  parseDatabaseEnv,
  redactCredentials,
} from "./database-env.ts";
export {
  describeEnvProblem,
  type EnvProblem,
  type EnvSchema,
  type EnvValues,
  type EnvVariable,
  type EnvVariables,
  envObjectSchema,
  envProblem,
  type IntegerRange,
  NO_DEFAULT,
  parseEnvironment,
  presentValues,
} from "./env-variable.ts";
export { describeRange, integerVariable, parseDecimalInteger } from "./integer-variable.ts";
