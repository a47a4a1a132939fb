import type { ErrorData } from "./errorData.js";
import type { StopReason, Usage } from "./providers/types.js";
import type { ContentPart, Message } from "./transcript/index.js";

/** `interrupted`: a tool call waits for a person's approval (see `interruptions`, and runner.resume). */
export type RunStatus = "completed" | "max_steps" | "stopped" | "interrupted";

/** A tool call that waits for a person's decision. `id` (the model's tool call id) is what approve/reject name. */
export interface Interruption {
  id: string;
  agent: string;
  tool: string;
  args: Record<string, unknown>;
}

export interface ToolCallRecord {
  id: string;
  name: string;
  args: unknown;
  /** The result as text (parts other than text as short placeholders). */
  result: string;
  /** The result's parts, when it holds more than text (an image from an MCP tool, say). */
  parts?: ContentPart[];
  isError: boolean;
  ms: number;
}

/** One model call. */
export interface StepRecord {
  step: number;
  /** The agent that made the call (its model id in the model-list shorthand). */
  agent: string;
  model: string;
  text: string;
  toolCalls: ToolCallRecord[];
  usage: Usage;
  /** `error` when the call failed for good (retries spent, or an unusable answer): see `error`. */
  stopReason: StopReason | "error";
  ms: number;
  error?: ErrorData;
}

export interface HandoffRecord {
  /** Agent names (model ids in the model-list shorthand). */
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
  byAgent: Record<string, ModelUsage>;
  /** Known only when every model used has a price in the catalog. */
  costUSD?: number;
}

/** Something baton changed or dropped to keep a request valid; reported once per run. */
export interface RunWarning {
  code: "SETTING_DROPPED" | "CONTENT_REPLACED";
  agent: string;
  model: string;
  /** The setting concerned (SETTING_DROPPED). */
  setting?: string;
  message: string;
}

export interface RunResult<TOutput = string> {
  runId: string;
  status: RunStatus;
  /** The final answer: text, or the parsed and validated object when the run has `output`. */
  finalOutput: TOutput;
  /** The raw text the final agent wrote. */
  outputText: string;
  /** Why the run ended when it did not complete (limit, policy stop). */
  reason?: string;
  lastAgent: string;
  lastModel: string;
  agentsUsed: string[];
  modelsUsed: string[];
  stepsUsed: number;
  steps: StepRecord[];
  handoffs: HandoffRecord[];
  toolResults: ToolCallRecord[];
  usage: RunUsage;
  /** The whole provider-neutral transcript, earlier messages included. */
  messages: Message[];
  warnings: RunWarning[];
  /** The calls waiting for a person, when `status` is `interrupted`. */
  interruptions?: Interruption[];
  durationMs: number;
}
