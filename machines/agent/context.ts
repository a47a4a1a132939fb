import type { RetryOptions } from "../../src/agent/retry.js";
import type { CallOutcome, CallPlan } from "../../src/agent/toolPlan.js";
import type { ErrorData } from "../../src/errors.js";
import type { ModelRef } from "../../src/models/modelRef.js";
import type { ModelResponse, ToolSpec } from "../../src/providers/types.js";
import type { Interruption } from "../../src/result.js";
import type { HandoffMode, HandoffPeer, HandoffTarget } from "../../src/tools/handoffTools.js";
import type { Message } from "../../src/transcript/index.js";
import type { Grant, TaskMessage } from "../team/protocol.js";

export interface AgentInput {
  teamId: string;
  name: string;
  model: ModelRef;
  /** The agents it may hand off to or ask, in order. */
  peers: HandoffPeer[];
  handoffMode: HandoffMode;
  /** systemId of the provider service that makes this agent's calls (`provider:<name>`). */
  providerService: string;
  retry: RetryOptions;
  /**
   * Report tool calls, results and retries to the team's event channel (runner.stream and
   * teams). runner.run has no listener, so it skips that traffic.
   */
  stream: boolean;
  /** Model that answers MCP sampling requests made during this agent's tool calls. */
  samplingModel: string;
  toolTimeoutMs: number | undefined;
  /** A setting the model does not take fails the step instead of being dropped with a warning. */
  strictSettings: boolean;
}

/** What an agent is spawned with, plus its handoff tools: fixed for the team's life. */
export interface AgentConfig extends AgentInput {
  /** Its own systemId (where answers come back). */
  self: string;
  handoffTargets: Record<string, HandoffTarget>;
  handoffSpecs: ToolSpec[];
}

export interface AgentContext {
  config: AgentConfig;
  runId: string;
  /** Working on a delegated subtask: no handoff or delegation tools. */
  delegation: TaskMessage["delegation"];
  /** What this agent has seen: the transcript of its task plus its own steps. */
  transcript: readonly Message[];
  /** Tool call ids of the team's transcript this agent does not see (TaskMessage.reservedToolCallIds). */
  reservedToolCallIds: readonly string[];
  grant: Grant | undefined;
  /** Steps taken under the current grant (the current step is `grant.step + stepIndex`). */
  stepIndex: number;
  response: ModelResponse | undefined;
  /** When the step's first model call started, and the time of the latest answer (actor clocks). */
  stepStartedAt: number;
  /** When the step's model answer arrived (0 until it has): model time ends there, tool time starts. */
  answeredAt: number;
  lastAt: number;
  attempt: number;
  retryDelayMs: number;
  lastError: ErrorData | undefined;
  plans: CallPlan[];
  /** Tool calls waiting for a result, by correlation id. */
  pending: Record<string, { callId: string; service: string | undefined }>;
  outcomes: Record<string, CallOutcome>;
  /** Calls of this step that wait for a person's approval. */
  waiting: Interruption[];
  /** The step to finish first (a resumed run): settled results and decisions on waiting calls. */
  resume: TaskMessage["resume"];
  callSeq: number;
}

export const stepOf = (context: AgentContext) => (context.grant?.step ?? 0) + context.stepIndex;

/**
 * The id of the agent's current (or last) model call: run, agent, step and attempt. Unique
 * across teams (the provider service is shared) and recomputed, not stored.
 */
export const callIdOf = (context: AgentContext) => `${context.runId}:${context.config.name}:${stepOf(context)}:${context.attempt}`;
