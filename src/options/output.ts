import { z } from "zod";
import type { OutputSpec } from "../providers/types.js";
import type { OutputSchema } from "./types.js";

/** The JSON Schema form of a run's output schema, as providers take it. */
export function outputSpecOf(schema: OutputSchema): OutputSpec {
  const json = z.toJSONSchema(schema, { io: "output", unrepresentable: "any" }) as Record<string, unknown>;
  delete json.$schema;
  return { name: "final_answer", schema: json, strict: false };
}
