/** Tool-call argument text from a model, parsed into the transcript's `args` / `argsError`. */
export interface ParsedToolArgs {
  args: Record<string, unknown>;
  argsError?: string;
}

const SNIPPET = 80;

/**
 * Parses a model's tool-call argument JSON. Empty text means no arguments. Anything that is not
 * a JSON object yields `args: {}` and a short `argsError`, so the runtime can answer the call
 * with an error result instead of running the tool with made-up input.
 */
export function parseToolArgs(text: string): ParsedToolArgs {
  if (text.trim() === "") return { args: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { args: {}, argsError: `Tool arguments are not valid JSON (${reason}): ${snippet(text)}` };
  }
  return toolInputToArgs(value);
}

/** Checks already-parsed tool input (Anthropic sends an object) the same way. */
export function toolInputToArgs(value: unknown): ParsedToolArgs {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) return { args: value as Record<string, unknown> };
  const kind = value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
  const text = typeof value === "string" ? `: ${snippet(value)}` : "";
  return { args: {}, argsError: `Tool arguments must be a JSON object, got ${kind}${text}` };
}

function snippet(text: string): string {
  return text.length > SNIPPET ? `${text.slice(0, SNIPPET)}…` : text;
}
