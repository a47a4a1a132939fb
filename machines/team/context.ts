/**
 * The supervisor's context and the plain data it is made of. Fixed team facts sit in `config`
 * (XState copies the whole context on every assign, so fewer top-level fields make each step cheaper).
 */

import type { RetryOptions } from "../../src/agent/retry.js";
import type { ErrorData } from "../../src/errors.js";
import type { ModelRef } from "../../src/models/modelRef.js";
import type { PolicyDecision } from "../../src/policies/types.js";
import type { OutputSpec } from "../../src/providers/types.js";
import type { CheckpointRecord } from "../../src/store/records.js";
import type { RunState } from "../../src/team/runState.js";
import type { HandoffMode } from "../../src/tools/handoffTools.js";
import type { ToolEntry } from "../../src/tools/toolEntry.js";
import type { Message } from "../../src/transcript/index.js";
import type { DelegateMessage } from "./protocol.js";

/** One agent as the supervisor knows it: plain data, fixed for the team's life. */
export interface AgentInfo {
  name: string;
  model: ModelRef;
  description: string;
  instructions: string | undefined;
  /** Everything this agent may call: the team's and its own tools, local and MCP. */
  tools: ToolEntry[];
  /** The agents it may transfer to or ask. */
  handoffs: string[];
  /** Its typed output (its own, else the team's). */
  output: OutputSpec | undefined;
  /** A handoff filter applies when the task is handed to it (its own or the team's). */
  filtered: boolean;
  /** systemId of its provider's service. */
  providerService: string;
}

export interface SupervisorInput {
  teamId: string;
  agents: AgentInfo[];
  start: string;
  instructions: string | undefined;
  /** A policy given as a plain object of decisions (a function lives in `callbacks:<team>`). */
  policy: PolicyDecision | undefined;
  policyFunction: boolean;
  maxSteps: number;
  maxHandoffs: number;
  handoffMode: HandoffMode;
  outputRetries: number;
  /** Someone listens: agents report tool calls and retries to the team's event channel. */
  stream: boolean;
  retry: RetryOptions;
  toolTimeoutMs: number | undefined;
  samplingModel: string;
  strictSettings: boolean;
  /**
   * The store keeps each model answer before its tools run (durable stores): `write` when the
   * store commits as it is told, `await` when it commits later (the agent waits to hear).
   */
  answers: "write" | "await" | undefined;
  /** Restored state (team snapshots). */
  transcript?: readonly Message[];
  active?: string;
}

export type SupervisorConfig = Omit<SupervisorInput, "transcript" | "active">;

/** A delegated subtask in flight, keyed by the agent doing it. */
export interface Delegation {
  callId: string;
  /** The caller's tool call id (its result is written down under it). */
  toolCallId: string;
  caller: string;
  started: number;
}

/** A move of the task being made (between the decision and the TASK). */
export interface PendingTransfer {
  from: string;
  to: string;
  reason: string;
  task: string;
  by: "model" | "policy" | "fallback";
}

export interface SupervisorContext {
  config: SupervisorConfig;
  transcript: Message[];
  /** The agent that holds the task. */
  active: string;
  run: RunState | undefined;
  /** The note for the agent that just received the task, in its grants until the task moves. */
  note: string | undefined;
  /** Ids of questions to the callbacks actor: an answer to an older one is ignored. */
  askId: number;
  transfer: PendingTransfer | undefined;
  /** Set while a policy decides after the active agent failed. */
  failure: (ErrorData & { agent: string; model: string }) | undefined;
  delegations: Record<string, Delegation>;
  /** Delegations to agents that are busy with another one, in arrival order. */
  queued: DelegateMessage[];
  /** The run is a new conversation nothing continues (runner.run): its transcript is dropped at the end. */
  oneOff: boolean;
  /**
   * A step's record held back until the record of what it led to (a handoff's) goes with it: a
   * crash between the two would resume on the agent that had already handed the task on.
   */
  held: CheckpointRecord[] | undefined;
}

export function agentInfo(context: SupervisorContext, name: string): AgentInfo {
  return context.config.agents.find((a) => a.name === name)!;
}

/** The agent of an agent's message. */
export function isDelegate(context: SupervisorContext, agent: string): boolean {
  return agent in context.delegations;
}
