import type { ErrorData } from "./errors.js";
import type { RunResult, StepRecord } from "./result.js";

export interface Tagged {
  runId: string;
  teamId: string;
}
export interface AtStep extends Tagged {
  model: string;
  step: number;
}

/** The public events, by name. Every event carries `runId`; `model` and `step` where they apply. */
export interface RunEventMap {
  "run.started": Tagged & { input: string; models: string[]; model: string };
  "step.started": AtStep;
  "text.delta": AtStep & { text: string };
  "tool.called": AtStep & { callId: string; name: string; args: unknown };
  "tool.result": AtStep & { callId: string; name: string; content: string; isError: boolean; ms: number };
  "step.retry": AtStep & { attempt: number; delayMs: number; error: ErrorData };
  handoff: Tagged & { from: string; to: string; reason: string; task?: string; step: number; by: "model" | "policy" | "fallback" };
  "step.finished": AtStep & { record: StepRecord };
  "run.finished": Tagged & { result: RunResult };
  "run.failed": Tagged & { error: ErrorData; partial: RunResult };
}

export type RunEventName = keyof RunEventMap;

/** One event as it comes out of a stream: its payload plus `type`. */
export type RunEvent = { [K in RunEventName]: { type: K } & RunEventMap[K] }[RunEventName];

/** A text delta as listeners get it. */
export type TextDeltaEvent = Extract<RunEvent, { type: "text.delta" }>;

/** Listener signatures for eventemitter3's typed `on`. */
export type RunEventListeners = { [K in RunEventName]: (event: { type: K } & RunEventMap[K]) => void };
