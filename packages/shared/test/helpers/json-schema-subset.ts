/**
 * A JSON Schema (2020-12) checker for exactly the keywords the generated
 * wire schemas use. It throws on any other keyword, so a schema construct it
 * does not understand can never pass a test unchecked; the repository needs
 * no validator dependency for this.
 */

type Schema = Record<string, unknown>;

const ANNOTATIONS = new Set(["$schema", "$comment", "$defs", "title", "description"]);
const ASSERTIONS = new Set([
  "$ref",
  "type",
  "const",
  "enum",
  "properties",
  "required",
  "additionalProperties",
  "propertyNames",
  "items",
  "minItems",
  "maxItems",
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "anyOf",
  "oneOf",
]);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function hasType(v: unknown, type: string): boolean {
  switch (type) {
    case "object":
      return isObject(v);
    case "array":
      return Array.isArray(v);
    case "string":
      return typeof v === "string";
    case "integer":
      return typeof v === "number" && Number.isInteger(v);
    case "number":
      return typeof v === "number" && Number.isFinite(v);
    case "boolean":
      return typeof v === "boolean";
    case "null":
      return v === null;
    default:
      throw new Error(`unknown JSON Schema type ${type}`);
  }
}

/** JSON values are equal when their JSON texts are (enough for the consts and enums of these schemas). */
const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The problems of `value` against `schema` (empty when valid); `root` resolves `#/$defs/…` references. */
export function jsonSchemaErrors(schema: Schema, value: unknown, root: Schema = schema, at = "$"): string[] {
  for (const keyword of Object.keys(schema)) {
    if (!ANNOTATIONS.has(keyword) && !ASSERTIONS.has(keyword)) {
      throw new Error(`${at}: keyword ${keyword} is not understood by this checker; teach it before trusting it`);
    }
  }
  const errors: string[] = [];
  const sub = (s: unknown, v: unknown, path: string): string[] => {
    if (!isObject(s)) throw new Error(`${path}: a subschema must be an object`);
    return jsonSchemaErrors(s, v, root, path);
  };

  if (typeof schema.$ref === "string") {
    const name = /^#\/\$defs\/(.+)$/.exec(schema.$ref)?.[1];
    const defs = root.$defs;
    const target = name !== undefined && isObject(defs) ? defs[name] : undefined;
    if (target === undefined) throw new Error(`${at}: unresolvable $ref ${schema.$ref}`);
    errors.push(...sub(target, value, at));
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => hasType(value, String(t)))) errors.push(`${at}: not of type ${types.join(" or ")}`);
  }
  if ("const" in schema && !sameJson(schema.const, value)) errors.push(`${at}: not ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => sameJson(e, value))) {
    errors.push(`${at}: not one of ${JSON.stringify(schema.enum)}`);
  }

  if (typeof value === "string") {
    const length = [...value].length;
    if (typeof schema.minLength === "number" && length < schema.minLength) errors.push(`${at}: too short`);
    if (typeof schema.maxLength === "number" && length > schema.maxLength) errors.push(`${at}: too long`);
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value)) {
      errors.push(`${at}: does not match ${schema.pattern}`);
    }
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) errors.push(`${at}: below the minimum`);
    if (typeof schema.maximum === "number" && value > schema.maximum) errors.push(`${at}: above the maximum`);
    if (typeof schema.exclusiveMinimum === "number" && value <= schema.exclusiveMinimum) {
      errors.push(`${at}: not above the exclusive minimum`);
    }
    if (typeof schema.exclusiveMaximum === "number" && value >= schema.exclusiveMaximum) {
      errors.push(`${at}: not below the exclusive maximum`);
    }
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === "number" && value.length < schema.minItems) errors.push(`${at}: too few items`);
    if (typeof schema.maxItems === "number" && value.length > schema.maxItems) errors.push(`${at}: too many items`);
    if (schema.items !== undefined) {
      for (const [i, item] of value.entries()) errors.push(...sub(schema.items, item, `${at}[${i}]`));
    }
  }
  if (isObject(value)) {
    const properties = isObject(schema.properties) ? schema.properties : {};
    for (const key of Array.isArray(schema.required) ? schema.required : []) {
      if (!Object.hasOwn(value, String(key))) errors.push(`${at}: ${String(key)} is required`);
    }
    for (const [key, v] of Object.entries(value)) {
      const path = `${at}.${key}`;
      if (Object.hasOwn(properties, key)) errors.push(...sub(properties[key], v, path));
      else if (schema.additionalProperties === false) errors.push(`${path}: not allowed`);
      else if (isObject(schema.additionalProperties)) errors.push(...sub(schema.additionalProperties, v, path));
      if (schema.propertyNames !== undefined) errors.push(...sub(schema.propertyNames, key, `${path} (name)`));
    }
  }

  if (Array.isArray(schema.anyOf)) {
    const passing = schema.anyOf.filter((s, i) => sub(s, value, `${at}/anyOf[${i}]`).length === 0).length;
    if (passing === 0) errors.push(`${at}: matches no anyOf branch`);
  }
  if (Array.isArray(schema.oneOf)) {
    const passing = schema.oneOf.filter((s, i) => sub(s, value, `${at}/oneOf[${i}]`).length === 0).length;
    if (passing !== 1) errors.push(`${at}: matches ${passing} oneOf branches, not exactly one`);
  }
  return errors;
}
