import type { ModelRef } from "../models/modelRef.js";
import type { ToolSpec } from "../providers/types.js";
import { TOOL_NAME_MAX, toolNameChars } from "./toolName.js";

export type HandoffMode = "transfer" | "delegate" | "both";

function toolSuffix(modelId: string): string {
  return toolNameChars(modelId);
}

/** `transfer_to_<model id with non [a-zA-Z0-9_-] replaced by _>`, at most 64 characters. */
export function transferToolName(modelId: string): string {
  return `transfer_to_${toolSuffix(modelId)}`.slice(0, TOOL_NAME_MAX);
}

/** `ask_<model id …>`: the delegation tool for a model. */
export function delegateToolName(modelId: string): string {
  return `ask_${toolSuffix(modelId)}`.slice(0, TOOL_NAME_MAX);
}

export interface HandoffTarget {
  kind: "transfer" | "delegate";
  to: string;
}

/**
 * The handoff tools one model sees: one per other model of the team. Names that collide after
 * truncation get a numeric suffix so each maps to exactly one model.
 */
export function handoffTools(
  models: readonly ModelRef[],
  self: string,
  mode: HandoffMode,
): { specs: ToolSpec[]; targets: Map<string, HandoffTarget> } {
  const specs: ToolSpec[] = [];
  const targets = new Map<string, HandoffTarget>();
  const add = (base: string, target: HandoffTarget, spec: Omit<ToolSpec, "name">) => {
    let name = base;
    for (let n = 2; targets.has(name); n++) name = `${base.slice(0, TOOL_NAME_MAX - String(n).length - 1)}_${n}`;
    targets.set(name, target);
    specs.push({ name, ...spec });
  };
  for (const model of models) {
    if (model.id === self) continue;
    const strengths = model.description ? ` ${model.description}` : "";
    if (mode === "transfer" || mode === "both") {
      add(
        transferToolName(model.id),
        { kind: "transfer", to: model.id },
        {
          description: `Hand the whole task to ${model.id}, which takes over the conversation and answers the user.${strengths} Use it when that model suits the rest of the work better.`,
          parameters: {
            type: "object",
            properties: {
              reason: { type: "string", description: "Why the task moves to this model." },
              task: { type: "string", description: "What the receiving model should do next." },
            },
            additionalProperties: false,
          },
        },
      );
    }
    if (mode === "delegate" || mode === "both") {
      add(
        delegateToolName(model.id),
        { kind: "delegate", to: model.id },
        {
          description: `Ask ${model.id} to do a subtask and return its answer to you; you keep the task.${strengths}`,
          parameters: {
            type: "object",
            properties: { task: { type: "string", description: "The subtask, self-contained." } },
            required: ["task"],
            additionalProperties: false,
          },
        },
      );
    }
  }
  return { specs, targets };
}
