import type { StopReason, Usage } from "./providers/types.js";
import type { Message } from "./transcript/index.js";

export type RunStatus = "completed" | "max_steps" | "stopped";

export interface ToolCallRecord {
  id: string;
  name: string;
  args: unknown;
  result: string;
  isError: boolean;
  ms: number;
}

/** One model call. */
export interface StepRecord {
  step: number;
  model: string;
  text: string;
  toolCalls: ToolCallRecord[];
  usage: Usage;
  stopReason: StopReason;
  ms: number;
}

export interface HandoffRecord {
  from: string;
  to: string;
  reason: string;
  task?: string;
  /** The step after which the task moved. */
  step: number;
  /** `model` when a model called a transfer tool, `policy` when a policy moved it, `fallback` after failures. */
  by: "model" | "policy" | "fallback";
}

export interface ModelUsage extends Usage {
  calls: number;
  costUSD?: number;
}

export interface RunUsage extends Usage {
  byModel: Record<string, ModelUsage>;
  /** Known only when every model used has a price in the catalog. */
  costUSD?: number;
}

export interface RunResult {
  runId: string;
  status: RunStatus;
  finalOutput: string;
  /** Why the run ended when it did not complete (limit, policy stop). */
  reason?: string;
  lastModel: string;
  modelsUsed: string[];
  stepsUsed: number;
  steps: StepRecord[];
  handoffs: HandoffRecord[];
  toolResults: ToolCallRecord[];
  usage: RunUsage;
  /** The whole provider-neutral transcript, earlier messages included. */
  messages: Message[];
  durationMs: number;
}
