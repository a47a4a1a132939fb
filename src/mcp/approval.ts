/**
 * `requireApproval` on MCP servers (DESIGN §10): which calls need a person's approval before
 * they run. A boolean or a list of the server's tool names is data the service decides on; a
 * function is a user callback, so the connection actor asks it (`ask`). Pure.
 */
import { BatonError } from "../errors.js";

/** `true`: every tool; a list: those tools (the server's names); a function: asked per call. */
export type RequireApproval = boolean | readonly string[] | ((tool: string, args: Record<string, unknown>) => boolean | Promise<boolean>);

/** The rule as the service holds it: plain data. `ask` means "the connection runs the user's function". */
export type ApprovalRule = { kind: "never" } | { kind: "always" } | { kind: "tools"; tools: string[] } | { kind: "ask" };

export const NO_APPROVAL: ApprovalRule = { kind: "never" };

/** Checks a `requireApproval` value; `where` names the spec in the error. */
export function approvalRule(value: unknown, where: string): ApprovalRule {
  if (value === undefined || value === false) return NO_APPROVAL;
  if (value === true) return { kind: "always" };
  if (typeof value === "function") return { kind: "ask" };
  if (Array.isArray(value) && value.every((t) => typeof t === "string" && t !== "")) {
    return value.length === 0 ? NO_APPROVAL : { kind: "tools", tools: [...new Set(value as string[])] };
  }
  throw new BatonError(
    "INVALID_OPTIONS",
    `${where}: requireApproval must be true, false, a list of the server's tool names, or a function (tool, args) => boolean; got ${describe(value)}`,
    { details: { requireApproval: describe(value) } },
  );
}

/** Whether a call to `tool` needs approval: yes, no, or ask the user's function. */
export function approvalFor(rule: ApprovalRule, tool: string): "yes" | "no" | "ask" {
  switch (rule.kind) {
    case "never":
      return "no";
    case "always":
      return "yes";
    case "tools":
      return rule.tools.includes(tool) ? "yes" : "no";
    case "ask":
      return "ask";
  }
}

/** The TOOL.RESULT text of a call that was not run because it needs approval. */
export function needsApprovalText(tool: string): string {
  return `${tool} needs approval`;
}

/** Part of the server's identity: the same server under two different rules is two services. */
export function approvalKey(rule: ApprovalRule): string {
  return rule.kind === "tools" ? `tools:${[...rule.tools].sort().join(",")}` : rule.kind;
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
