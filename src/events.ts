import type { ErrorData } from "./errors.js";
import type { Interruption, RunResult, RunWarning, StepRecord } from "./result.js";
import type { Content } from "./transcript/index.js";

export interface Tagged {
  runId: string;
  teamId: string;
}
export interface AtStep extends Tagged {
  /** The agent (its model id in the model-list shorthand) and its model. */
  agent: string;
  model: string;
  step: number;
}

/** Where a tool call went. */
export interface ToolOrigin {
  /** `local`, the MCP server's name, or `agent` (a delegation). */
  source: string;
  /** The MCP server that owns the tool (MCP tools only). */
  mcpServer?: string;
  /** The agent a delegation (`ask_<agent>`) asked. */
  delegateTo?: string;
}

/** The public events, by name. Every event carries `runId`; `agent`, `model` and `step` where they apply. */
export interface RunEventMap {
  "run.started": Tagged & { input: Content; agents: string[]; models: string[]; agent: string; model: string };
  "step.started": AtStep;
  "text.delta": AtStep & { text: string };
  "tool.called": AtStep & { callId: string; name: string; args: unknown } & ToolOrigin;
  "tool.result": AtStep & { callId: string; name: string; content: Content; isError: boolean; ms: number } & ToolOrigin;
  "step.retry": AtStep & { attempt: number; delayMs: number; error: ErrorData };
  handoff: Tagged & { from: string; to: string; reason: string; task?: string; step: number; by: "model" | "policy" | "fallback" };
  warning: Tagged & RunWarning;
  /**
   * `modelMs`: the model call itself, from its first attempt to its answer (retries included,
   * tool calls excluded). `responseModel` / `responseId`: what the provider says answered.
   */
  "step.finished": AtStep & { record: StepRecord; modelMs?: number; responseModel?: string; responseId?: string };
  "run.finished": Tagged & { result: RunResult<unknown> };
  "run.failed": Tagged & { error: ErrorData; partial: RunResult<unknown> };
  /** A tool call waits for a person's approval (one event per call). */
  "approval.requested": Tagged & Interruption;
  /** The run stopped to wait for approvals: its last event, instead of run.finished. */
  "run.interrupted": Tagged & { result: RunResult<unknown> };
  /** A run continues from its checkpoints (runner.resume, team.resume): its first event, instead of run.started. */
  "run.resumed": Tagged & { agent: string; model: string; approved: string[]; rejected: string[] };
}

export type RunEventName = keyof RunEventMap;

/** One event as it comes out of a stream: its payload plus `type`. */
export type RunEvent = { [K in RunEventName]: { type: K } & RunEventMap[K] }[RunEventName];

/** A text delta as listeners get it. */
export type TextDeltaEvent = Extract<RunEvent, { type: "text.delta" }>;

/** Listener signatures for eventemitter3's typed `on`. */
export type RunEventListeners = { [K in RunEventName]: (event: { type: K } & RunEventMap[K]) => void };

export const RUN_EVENT_NAMES: readonly RunEventName[] = [
  "run.started",
  "step.started",
  "text.delta",
  "tool.called",
  "tool.result",
  "step.retry",
  "handoff",
  "warning",
  "step.finished",
  "run.finished",
  "run.failed",
  "approval.requested",
  "run.interrupted",
  "run.resumed",
];
