import type { OutputSchema } from "../../src/options/types.js";

export type ParsedOutput = { ok: true; value: unknown } | { ok: false; issues: string[] };

/** The JSON inside a model's answer: the whole text, or the body of a ```json fence around it. */
function jsonText(text: string): string {
  const trimmed = text.trim();
  const fenced = /^```(?:json)?\s*\n?([\s\S]*?)\n?```$/i.exec(trimmed);
  return fenced ? fenced[1]!.trim() : trimmed;
}

/** Parses and validates a final answer with the run's zod schema; the issues are written for the model. */
export function parseOutput(schema: OutputSchema, text: string): ParsedOutput {
  let json: unknown;
  try {
    json = JSON.parse(jsonText(text));
  } catch (error) {
    return { ok: false, issues: [`the answer is not valid JSON (${error instanceof Error ? error.message : String(error)})`] };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, issues: result.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`) };
}
