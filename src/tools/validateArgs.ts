import type { Tool } from "./defineTool.js";

export type ArgsCheck = { ok: true; args: Record<string, unknown> } | { ok: false; message: string };

/** Validates a model's arguments with the tool's zod schema; the message is written for the model. */
export function validateToolArgs(tool: Tool, args: unknown): ArgsCheck {
  const parsed = tool.parameters.safeParse(args);
  if (parsed.success) return { ok: true, args: parsed.data as Record<string, unknown> };
  const issues = parsed.error.issues.map((issue) => `${issue.path.length ? issue.path.join(".") : "(root)"}: ${issue.message}`);
  return {
    ok: false,
    message: `Error: invalid arguments for ${tool.name}: ${issues.join("; ")}. Call it again with arguments matching its schema.`,
  };
}
