/**
 * What a durable run writes down: one record per event that changes what a resume must know,
 * appended in order and never rewritten. Plain, versioned JSON (never functions, never secrets).
 * A run's state is the fold of its records (fold.ts).
 */
import type { ErrorData } from "../errors.js";
import type { HandoffRecord, Interruption, RunResult, RunWarning, StepRecord } from "../result.js";
import type { AssistantMessage, Content, Message, ToolMessage } from "../transcript/index.js";

export const CHECKPOINT_VERSION = 1;

export type { Interruption };

/** What the run was started with, as names: checked against the definition a resume is given. */
export interface RunOrigin {
  /** The named team definition (`runner.define`), if the run used one. */
  team?: string;
  agents: Array<{ name: string; model: string; tools: string[] }>;
  start: string;
  maxSteps: number;
  maxHandoffs: number;
  /** Anything the starter wants back on resume (the CLI keeps its arguments here). */
  meta?: Record<string, unknown>;
}

/** A step whose model answered and whose tool calls are not all settled yet. */
export interface PendingStep {
  agent: string;
  step: number;
  message: AssistantMessage;
  usage: StepRecord["usage"];
  stopReason: StepRecord["stopReason"];
  /** Results already settled, by the model's tool call id. */
  results: Record<string, ToolMessage>;
  /** Calls waiting for a person, by the model's tool call id. */
  waiting: Interruption[];
}

export type CheckpointRecord =
  | { kind: "started"; v: number; at: number; runId: string; origin: RunOrigin; input: Content; messages: Message[]; transcript: Message[] }
  | { kind: "answered"; v: number; at: number; pending: PendingStep }
  | { kind: "step"; v: number; at: number; record: StepRecord; messages: Message[]; warnings?: RunWarning[]; intoTranscript: boolean }
  | { kind: "handoff"; v: number; at: number; record: HandoffRecord; receiverProvider: string }
  /** A result settled before its step's batch was written (a delegation's answer), by the caller's tool call id. */
  | { kind: "settled"; v: number; at: number; agent: string; message: ToolMessage }
  /** Messages the supervisor added outside a step (an output repair request). */
  | { kind: "appended"; v: number; at: number; messages: Message[] }
  | { kind: "interrupted"; v: number; at: number; pending: PendingStep; result: RunResult<unknown> }
  | { kind: "decided"; v: number; at: number; approve: string[]; reject: Array<{ id: string; message: string }> }
  | { kind: "resumed"; v: number; at: number }
  | { kind: "finished"; v: number; at: number; result: RunResult<unknown> }
  | { kind: "failed"; v: number; at: number; error: ErrorData; partial: RunResult<unknown> };

export type CheckpointKind = CheckpointRecord["kind"];

/** A run as `unfinishedRuns()` lists it. */
export interface RunSummary {
  runId: string;
  team?: string;
  status: "running" | "interrupted";
  /** When its last record was written. */
  updatedAt: number;
  interruptions: Interruption[];
  /** The `meta` the run was started with. */
  meta?: Record<string, unknown>;
}
