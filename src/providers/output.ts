/**
 * Structured output: the `OutputSpec` a run's zod schema becomes, and whether a JSON Schema can
 * be enforced exactly (OpenAI `strict: true`). Pure.
 */
import { z } from "zod";
import { BatonError } from "../errors.js";
import type { OutputSpec } from "./types.js";

type Schema = Record<string, unknown>;

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * Keywords OpenAI's strict mode accepts (its "supported schemas"). Anything else, an object
 * without `additionalProperties: false`, or a property missing from `required` (an optional
 * field) makes a schema non-strict: it is still sent, as guidance, and the answer is validated.
 */
const STRICT_KEYWORDS = new Set([
  "type",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "enum",
  "const",
  "anyOf",
  "description",
  "title",
  "$defs",
  "definitions",
  "$ref",
  "pattern",
  "format",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minItems",
  "maxItems",
]);

function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isObjectType(schema: Schema): boolean {
  return schema.type === "object" || (Array.isArray(schema.type) && schema.type.includes("object"));
}

function strictNode(schema: Schema): boolean {
  for (const key of Object.keys(schema)) if (!STRICT_KEYWORDS.has(key)) return false;
  if (isObjectType(schema) || schema.properties !== undefined) {
    if (schema.additionalProperties !== false) return false;
    const properties = isSchema(schema.properties) ? schema.properties : {};
    const required = Array.isArray(schema.required) ? schema.required : [];
    if (Object.keys(properties).some((key) => !required.includes(key))) return false;
    if (!Object.values(properties).every((p) => isSchema(p) && strictNode(p))) return false;
  }
  if (schema.items !== undefined && !(isSchema(schema.items) && strictNode(schema.items))) return false;
  if (schema.anyOf !== undefined && !(Array.isArray(schema.anyOf) && schema.anyOf.every((s) => isSchema(s) && strictNode(s)))) return false;
  for (const defs of [schema.$defs, schema.definitions]) {
    if (defs !== undefined && !(isSchema(defs) && Object.values(defs).every((s) => isSchema(s) && strictNode(s)))) return false;
  }
  return true;
}

/** True when OpenAI's strict structured output can enforce this schema exactly (root an object, every field required, no extra keys). */
export function strictCompatible(schema: Record<string, unknown>): boolean {
  return schema.type === "object" && strictNode(schema);
}

/** zod writes ±2^53-1 bounds for every `.int()`: noise for a model, dropped. */
function withoutSafeIntegerBounds(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutSafeIntegerBounds);
  if (!isSchema(schema)) return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "minimum" && value === Number.MIN_SAFE_INTEGER) continue;
    if (key === "maximum" && value === Number.MAX_SAFE_INTEGER) continue;
    out[key] = withoutSafeIntegerBounds(value);
  }
  return out;
}

/**
 * The OutputSpec of a zod object schema: its JSON Schema (draft 2020-12, without `$schema`),
 * strict where `strictCompatible` says the provider can enforce it.
 */
export function outputSpec(name: string, schema: z.ZodObject): OutputSpec {
  if (!NAME.test(name)) {
    throw new BatonError(
      "INVALID_OPTIONS",
      `Output name "${name}" must match ^[a-zA-Z0-9_-]{1,64}$ (providers ask for a schema name). Rename it.`,
    );
  }
  if (!(schema instanceof z.ZodObject)) {
    throw new BatonError("INVALID_OPTIONS", "`output` must be a zod object schema, e.g. z.object({ title: z.string() }).");
  }
  let json: Schema;
  try {
    json = z.toJSONSchema(schema, { target: "draft-2020-12" }) as Schema;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new BatonError(
      "INVALID_OPTIONS",
      `\`output\` cannot be written as JSON Schema (${reason}). Use JSON types only (no dates, maps, functions or transforms).`,
    );
  }
  const { $schema: _dialect, ...rest } = json;
  const clean = withoutSafeIntegerBounds(rest) as Schema;
  return { name, schema: clean, strict: strictCompatible(clean) };
}
