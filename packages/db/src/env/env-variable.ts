import { z } from "zod";

/** Shown as the default of a variable that has none. */
export const NO_DEFAULT = "—";

/** An integer variable's accepted range, and what its number counts. */
export interface IntegerRange {
  min: number;
  max: number;
  unit?: "milliseconds" | "seconds" | "hours" | "bytes";
}

/**
 * One environment variable: how it is parsed, and the text an operator sees
 * (in `--print-env`, and beside a refused value). One entry serves both, so
 * the reference cannot drift from the validation.
 */
export interface EnvVariable<S extends z.ZodType = z.ZodType> {
  schema: S;
  /** The default, as shown to operators ({@link NO_DEFAULT} when there is none). */
  shownDefault: string;
  /** The accepted values, as shown to operators. */
  accepted: string;
  /** What the variable does, in one line. */
  meaning: string;
  /** Integer variables only: the bounds the schema enforces. */
  range?: IntegerRange;
  /** How a refused value may be logged (a URL without its password). */
  redact?: (value: string) => string;
}

/** A set of variables by name. */
export type EnvVariables = Record<string, EnvVariable>;

/** The zod object over a set of variables. */
export type EnvSchema<V extends EnvVariables> = z.ZodObject<{ [K in keyof V]: V[K]["schema"] }>;

/** The parsed values of a set of variables. */
export type EnvValues<V extends EnvVariables> = z.output<EnvSchema<V>>;

/** Why the environment was refused: one variable, its problem, what is accepted. */
export interface EnvProblem {
  variable: string;
  value: string | undefined;
  problem: string;
  accepted: string;
}

/** The one line that reports a refused environment, in every tool that reads it. */
export function describeEnvProblem(problem: EnvProblem): string {
  return `invalid configuration: ${problem.variable} ${problem.problem}; accepted: ${problem.accepted}`;
}

/** Builds the zod object that parses every variable of `variables`. */
export function envObjectSchema<V extends EnvVariables>(variables: V): EnvSchema<V> {
  const shape = Object.fromEntries(Object.entries(variables).map(([name, v]) => [name, v.schema]));
  return z.object(shape) as EnvSchema<V>;
}

/** The environment without its empty values: `VAR= cmd` means unset, as in most shells. */
function presentValues(env: Record<string, string | undefined>): Record<string, string> {
  const present: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && value !== "") present[name] = value;
  return present;
}

/** The problem with `variable`, its value shown as it may be logged. */
export function envProblem(
  variables: EnvVariables,
  variable: string,
  value: string | undefined,
  problem: string,
): EnvProblem {
  const spec = variables[variable];
  const shown = value !== undefined && spec?.redact ? spec.redact(value) : value;
  return { variable, value: shown, problem, accepted: spec?.accepted ?? "" };
}

/**
 * Parses the variables of `variables` out of `env` (others are ignored);
 * never throws. A refusal names the first variable that failed.
 */
export function parseEnvironment<V extends EnvVariables>(
  variables: V,
  env: Record<string, string | undefined>,
): { ok: true; values: EnvValues<V> } | { ok: false; problem: EnvProblem } {
  const present = presentValues(env);
  const parsed = envObjectSchema(variables).safeParse(present);
  if (parsed.success) return { ok: true, values: parsed.data };
  const issue = parsed.error.issues[0];
  const variable = String(issue?.path[0] ?? "environment");
  return { ok: false, problem: envProblem(variables, variable, present[variable], issue?.message ?? "is invalid") };
}
