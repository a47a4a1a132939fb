/**
 * Arguments a sim agent can call a tool with, from the tool's JSON Schema: the required
 * properties, each with a plain example value of its type (the first enum value, the default,
 * or "example" / 1 / true / [] / {}). Enough for a simulated run to exercise a real tool.
 */
type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  items?: Schema;
  minimum?: number;
};

export function exampleArgs(schema: unknown): Record<string, unknown> {
  const value = exampleOf(schema as Schema, 0);
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function exampleOf(schema: Schema | undefined, depth: number): unknown {
  if (!schema || depth > 4) return null;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum?.length) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type) {
    case "string":
      return "example";
    case "integer":
    case "number":
      return schema.minimum ?? 1;
    case "boolean":
      return true;
    case "array":
      return [];
    default: {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = exampleOf(schema.properties?.[key], depth + 1);
      return out;
    }
  }
}
