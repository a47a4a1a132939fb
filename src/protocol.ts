/**
 * The messages actors exchange (DESIGN §2). Payloads are plain data; these names are the
 * contract between the supervisor, the model agents and the tool and provider services.
 */
import type { ErrorData } from "./errors.js";
import type { ModelSettings, ToolSpec, Usage } from "./providers/types.js";
import type { StepRecord } from "./result.js";
import type { ToolEntry } from "./tools/toolEntry.js";
import type { Message } from "./transcript/index.js";

export interface HandoffInfo {
  from: string;
  reason: string;
  task: string;
}

// supervisor → agent
export type TaskEvent = {
  type: "TASK";
  runId: string;
  transcript: readonly Message[];
  handoff?: HandoffInfo;
  /** A delegated subtask: answer it without handing off or delegating further. */
  delegated?: boolean;
};
export type CancelEvent = { type: "CANCEL" };
export type StepGrantEvent = {
  type: "STEP.GRANT";
  step: number;
  /** System text for this call only (instructions, handoff note, policy prepend). */
  system?: string;
  /** Messages put before / after the transcript for this call only. */
  prepend: Message[];
  append: Message[];
  settings: ModelSettings;
  tools: ToolEntry[];
};
export type StepDenyEvent = { type: "STEP.DENY"; reason: string };

// agent → supervisor
export type StepRequestEvent = { type: "STEP.REQUEST"; model: string };
export type StepDoneEvent = { type: "STEP.DONE"; model: string; step: StepRecord; messages: Message[] };
export type HandoffEvent = { type: "HANDOFF"; from: string; to: string; reason: string; task: string };
export type FinalEvent = { type: "FINAL"; model: string; output: string };
export type FailedEvent = { type: "FAILED"; model: string; error: ErrorData };
/** A delegation (`ask_<id>`): the supervisor runs it on the target's actor and answers with TOOL.RESULT. */
export type DelegateEvent = { type: "DELEGATE"; callId: string; from: string; to: string; task: string; step: number };
export type DelegateCancelEvent = { type: "DELEGATE.CANCEL"; callId: string };
/** Progress reports the supervisor turns into public events. */
export type AgentProgressEvent =
  | { type: "AGENT.TOOL_CALLED"; model: string; step: number; callId: string; name: string; args: unknown }
  | {
      type: "AGENT.TOOL_RESULT";
      model: string;
      step: number;
      callId: string;
      name: string;
      content: string;
      isError: boolean;
      ms: number;
    }
  | { type: "AGENT.RETRY"; model: string; step: number; attempt: number; delayMs: number; error: ErrorData };

export type { ProviderAbortEvent, ProviderAnswerEvent, ProviderCallEvent } from "../machines/providers/protocol.js";
export type { ToolCallEvent, ToolCancelEvent, ToolResultEvent } from "../machines/tools/protocol.js";
export type { ToolSpec, Usage };
