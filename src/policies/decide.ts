/**
 * The supervisor's verdict table for one requested model call, with or without a policy
 * function: grant it, move the task to another agent, stop, end at a limit, or fail. And the
 * grant itself: this call's prompt, messages, settings and tools.
 */
import type { Grant } from "../../machines/team/protocol.js";
import type { ErrorData } from "../errors.js";
import type { ModelRef } from "../models/modelRef.js";
import type { OutputSpec } from "../providers/types.js";
import type { ToolEntry } from "../tools/toolEntry.js";
import { type Message, userMessage } from "../transcript/index.js";
import type { PolicyDecision } from "./types.js";

export type StepVerdict =
  | { kind: "grant"; maxSteps: number }
  | { kind: "move"; to: string; maxSteps: number }
  | { kind: "stop"; reason: string; maxSteps: number }
  | { kind: "limit"; reason: string; maxSteps: number }
  | { kind: "error"; error: ErrorData };

/** What the verdict needs to know of an agent. */
export interface AgentSummary {
  name: string;
  model: { id: string };
  /** The agents it may hand off to. */
  handoffs: readonly string[];
}

export interface VerdictInput {
  decision: PolicyDecision | undefined;
  /** The agent asking for the call. */
  agent: string;
  agents: readonly AgentSummary[];
  stepsUsed: number;
  maxSteps: number;
}

/** The agent a decision moves the task to, if any: by `agent` name, or by `model` when exactly one agent has it. */
export function moveTarget(decision: PolicyDecision, agents: readonly AgentSummary[]): { to: string } | { error: ErrorData } | undefined {
  const names = agents.map((a) => a.name);
  if (decision.agent !== undefined) {
    if (names.includes(decision.agent)) return { to: decision.agent };
    const onModel = agents.filter((a) => a.model.id === decision.agent);
    if (onModel.length === 1) return { to: onModel[0]!.name };
    return {
      error: {
        code: "POLICY_ERROR",
        message: `Policy chose agent "${decision.agent}", which is not in this team. Agents: ${names.join(", ")}.`,
        details: { agent: decision.agent, available: names },
      },
    };
  }
  if (decision.model !== undefined) {
    const onModel = agents.filter((a) => a.model.id === decision.model);
    if (onModel.length === 1) return { to: onModel[0]!.name };
    if (onModel.length > 1) {
      return {
        error: {
          code: "POLICY_ERROR",
          message: `Policy chose model "${decision.model}", which ${onModel.length} agents use (${onModel.map((a) => a.name).join(", ")}): it is ambiguous. Return { agent: "<name>" } instead.`,
          details: { model: decision.model, agents: onModel.map((a) => a.name) },
        },
      };
    }
    if (names.includes(decision.model)) return { to: decision.model };
    const models = [...new Set(agents.map((a) => a.model.id))];
    return {
      error: {
        code: "POLICY_ERROR",
        message: `Policy chose model "${decision.model}", which is not in this team. Available models: ${models.join(", ")}.`,
        details: { model: decision.model, available: models },
      },
    };
  }
  return undefined;
}

/** A move the handoff graph does not allow (`from`'s handoffs lack `to`), as the policy's error. */
export function offGraphError(agents: readonly AgentSummary[], from: string, to: string): ErrorData | undefined {
  const source = agents.find((a) => a.name === from);
  if (!source || source.handoffs.includes(to)) return undefined;
  const allowed = source.handoffs.length ? source.handoffs.join(", ") : "none";
  return {
    code: "POLICY_ERROR",
    message: `Policy moved the task from ${from} to ${to}, but ${from} may not hand off to ${to} (its handoffs: ${allowed}). Add "${to}" to ${from}'s handoffs or move elsewhere.`,
    details: { from, to, handoffs: [...source.handoffs] },
  };
}

export function decideStep(input: VerdictInput): StepVerdict {
  const decision = input.decision ?? {};
  const maxSteps = decision.maxSteps ?? input.maxSteps;
  if (decision.stop) return { kind: "stop", reason: typeof decision.stop === "string" ? decision.stop : "stopped by policy", maxSteps };
  const move = moveTarget(decision, input.agents);
  if (move && "error" in move) return { kind: "error", error: move.error };
  if (move && move.to !== input.agent) {
    const offGraph = offGraphError(input.agents, input.agent, move.to);
    return offGraph ? { kind: "error", error: offGraph } : { kind: "move", to: move.to, maxSteps };
  }
  if (input.stepsUsed >= maxSteps) return { kind: "limit", reason: `maxSteps (${maxSteps}) reached`, maxSteps };
  return { kind: "grant", maxSteps };
}

export interface GrantInput {
  decision: PolicyDecision | undefined;
  model: ModelRef;
  /** Team instructions, then the agent's own. */
  instructions: readonly (string | undefined)[];
  /** A note for an agent that has just received the task. */
  note: string | undefined;
  tools: readonly ToolEntry[];
  output: OutputSpec | undefined;
  step: number;
  steps: number;
}

/** The grant for a call the verdict allowed. */
export function buildGrant(input: GrantInput): Grant {
  const decision = input.decision ?? {};
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
  for (const text of input.instructions) if (text) systemParts.push(text);
  if (input.note) systemParts.push(input.note);
  if (typeof decision.messageAppend === "string") append.push(userMessage(decision.messageAppend));
  else if (Array.isArray(decision.messageAppend)) append.push(...decision.messageAppend);
  const grant: Grant = {
    step: input.step,
    steps: input.steps,
    prepend,
    append,
    settings: decision.modelSettings ? { ...input.model.settings, ...decision.modelSettings } : input.model.settings,
    tools: tools === input.tools ? (tools as ToolEntry[]) : [...tools],
  };
  if (systemParts.length) grant.system = systemParts.join("\n\n");
  if (input.output) grant.output = input.output;
  return grant;
}

/** What an agent reads when the task has just been handed to it. */
export function handoffNote(to: string, from: string, reason: string, task: string): string {
  const lines = [
    `You are ${to}. ${from} handed this task to you; earlier assistant turns in the conversation were written by other agents of your team.`,
  ];
  if (reason) lines.push(`Reason: ${reason}`);
  if (task) lines.push(`Your task: ${task}`);
  return lines.join("\n");
}

/** What a delegated agent reads. */
export function delegationNote(to: string, from: string): string {
  return `You are ${to}. ${from} asked you for this subtask; your final answer goes back to it.`;
}
