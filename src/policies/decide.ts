/**
 * Turns a policy's decision into the supervisor's verdict for one requested model call:
 * grant it (with this call's prompt, settings and tools), move the task, stop, or end at a limit.
 */
import { BatonError } from "../errors.js";
import type { ModelRef } from "../models/modelRef.js";
import type { StepGrantEvent } from "../protocol.js";
import type { ToolEntry } from "../tools/toolEntry.js";
import { type Message, userMessage } from "../transcript/index.js";
import type { PolicyDecision } from "./types.js";

export type StepVerdict =
  | { kind: "grant"; grant: StepGrantEvent; maxSteps: number }
  | { kind: "move"; to: string; maxSteps: number }
  | { kind: "stop"; reason: string; maxSteps: number }
  | { kind: "limit"; reason: string; maxSteps: number }
  | { kind: "error"; error: BatonError };

export interface DecideInput {
  decision: PolicyDecision | undefined | void;
  model: ModelRef;
  models: readonly ModelRef[];
  step: number;
  stepsUsed: number;
  maxSteps: number;
  instructions: string | undefined;
  /** A note for a model that just received the task. */
  handoffNote: string | undefined;
  tools: readonly ToolEntry[];
}

export function decideStep(input: DecideInput): StepVerdict {
  const decision = input.decision ?? {};
  if (typeof decision !== "object") {
    return {
      kind: "error",
      error: new BatonError("POLICY_ERROR", `A policy must return an object or nothing; it returned ${typeof decision}.`),
    };
  }
  let maxSteps = input.maxSteps;
  if (decision.maxSteps !== undefined) {
    if (!Number.isInteger(decision.maxSteps) || decision.maxSteps < 1) {
      return {
        kind: "error",
        error: new BatonError("POLICY_ERROR", `Policy returned maxSteps ${decision.maxSteps}; it must be a whole number ≥ 1.`),
      };
    }
    maxSteps = decision.maxSteps;
  }
  if (decision.stop) {
    return { kind: "stop", reason: typeof decision.stop === "string" ? decision.stop : "stopped by policy", maxSteps };
  }
  if (decision.model !== undefined && decision.model !== input.model.id) {
    if (!input.models.some((m) => m.id === decision.model)) {
      return {
        kind: "error",
        error: new BatonError(
          "POLICY_ERROR",
          `Policy chose model "${decision.model}", which is not in this team. Available models: ${input.models.map((m) => m.id).join(", ")}.`,
          { details: { model: decision.model, available: input.models.map((m) => m.id) } },
        ),
      };
    }
    return { kind: "move", to: decision.model, maxSteps };
  }
  if (input.stepsUsed >= maxSteps) return { kind: "limit", reason: `maxSteps (${maxSteps}) reached`, maxSteps };

  let tools = input.tools;
  if (decision.tools) {
    const allowed = new Set(decision.tools);
    tools = tools.filter((t) => allowed.has(t.spec.name));
  }
  if (decision.mcpServers) {
    const allowed = new Set(decision.mcpServers);
    tools = tools.filter((t) => t.source === "local" || allowed.has(t.source));
  }
  const systemParts: string[] = [];
  const prepend: Message[] = [];
  const append: Message[] = [];
  if (typeof decision.messagePrepend === "string") systemParts.push(decision.messagePrepend);
  else if (Array.isArray(decision.messagePrepend)) prepend.push(...decision.messagePrepend);
  if (input.instructions) systemParts.push(input.instructions);
  if (input.handoffNote) systemParts.push(input.handoffNote);
  if (typeof decision.messageAppend === "string") append.push(userMessage(decision.messageAppend));
  else if (Array.isArray(decision.messageAppend)) append.push(...decision.messageAppend);

  const grant: StepGrantEvent = {
    type: "STEP.GRANT",
    step: input.step,
    prepend,
    append,
    settings: { ...input.model.settings, ...(decision.modelSettings ?? {}) },
    tools: [...tools],
  };
  if (systemParts.length) grant.system = systemParts.join("\n\n");
  return { kind: "grant", grant, maxSteps };
}

/** What a model reads when the task has just been handed to it. */
export function handoffNote(to: string, from: string, reason: string, task: string): string {
  const lines = [
    `You are ${to}. ${from} handed this task to you; earlier assistant turns in the conversation were written by other models of your team.`,
  ];
  if (reason) lines.push(`Reason: ${reason}`);
  if (task) lines.push(`Your task: ${task}`);
  return lines.join("\n");
}
