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
  type EnvValues,
  type EnvVariable,
  type EnvVariables,
  envProblem,
  type IntegerRange,
  NO_DEFAULT,
  parseEnvironment,
} from "./env-variable.ts";
export { integerVariable, parseDecimalInteger } from "./integer-variable.ts";
