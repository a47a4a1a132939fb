/**
 * The team protocol (DESIGN §2): messages between a team's host, its supervisor, its agents,
 * its user-callback actor and its event channel. Plain, JSON-serialisable data; actors are
 * named by systemId (machines/addresses.ts). Every message an actor makes carries `at`, the
 * actor's clock (ms since the epoch), because machines read no clock.
 */
import type { ErrorData } from "../../src/errors.js";
import type { RunEvent } from "../../src/events.js";
import type { PolicyContext, PolicyDecision } from "../../src/policies/types.js";
import type { ModelSettings, OutputSpec } from "../../src/providers/types.js";
import type { RunWarning, StepRecord } from "../../src/result.js";
import type { PendingStep } from "../../src/store/records.js";
import type { RunState } from "../../src/team/runState.js";
import type { ToolEntry } from "../../src/tools/toolEntry.js";
import type { Content, Message } from "../../src/transcript/index.js";

// ── host → supervisor ──────────────────────────────────────────────────────────────────────

export interface RunRequest {
  type: "RUN";
  runId: string;
  input: Content;
  messages?: readonly Message[];
  maxSteps?: number;
  maxHandoffs?: number;
  /** A new conversation on these actors: no earlier transcript, the start agent active (runner.run reusing an idle team). */
  fresh?: boolean;
  /** Written into the run's first checkpoint: its team definition and the starter's own data. */
  origin?: { team?: string; meta?: Record<string, unknown> };
  /** Continue a run from its checkpoints instead of starting one (runner.resume). */
  resume?: ResumeState;
  at: number;
}

/** Where a resumed run picks up: its state as the checkpoints left it, and the decisions on waiting calls. */
export interface ResumeState {
  run: RunState;
  transcript: Message[];
  active: string;
  /** The step whose answer was written but whose tool calls were not all settled. */
  pending?: PendingStep;
  approved: string[];
  rejected: Array<{ id: string; message: string }>;
}

/** Cancel the run in flight (the caller's signal, team.stop, runner.close). */
export interface CancelRequest {
  type: "CANCEL";
  at: number;
}

/** End the run in flight with this error (a listener threw). */
export interface RunAbortRequest {
  type: "RUN.ABORT";
  error: ErrorData;
  at: number;
}

// ── supervisor → agent ─────────────────────────────────────────────────────────────────────

/**
 * Permission to call the model: for `steps` steps numbered from `step` when nothing needs to be
 * asked between them (no policy function, no delegations), else for one.
 */
export interface Grant {
  step: number;
  steps: number;
  /** System prompt for these calls (policy prepend, team and agent instructions, handoff note). */
  system?: string;
  /** Messages before / after the transcript, for these calls only. */
  prepend: Message[];
  append: Message[];
  settings: ModelSettings;
  /** The tools the agent may call (handoff tools are the agent's own). */
  tools: ToolEntry[];
  /** Typed final output, when this agent may give the final answer. */
  output?: OutputSpec;
  /**
   * The run's store keeps each answer before its tools run (a durable store): `write` reports it
   * and goes on; `await` reports it and waits for STEP.COMMITTED (a store that commits later).
   */
  checkpoint?: "write" | "await";
}

export interface TaskMessage {
  type: "TASK";
  runId: string;
  /** When the task was given (the clock of the message that led to it). */
  at: number;
  transcript: readonly Message[];
  /**
   * Tool call ids of the team's transcript that `transcript` does not show (a handoff filter hid
   * them): the agent's calls must not reuse them, or the team's transcript repeats an id.
   */
  reservedToolCallIds?: string[];
  /** The first grant, when the supervisor can give it at once. */
  grant?: Grant;
  /** The task was handed over (the note goes into the grant's system prompt). */
  handoff?: { from: string; reason: string; task: string };
  /** A delegated subtask: answer it, without handing off or delegating further. */
  delegation?: { callId: string; from: string };
  /** Finish this step first (a resumed run): its answer is given, settled results kept, decisions applied. */
  resume?: { pending: PendingStep; approved: string[]; rejected: Array<{ id: string; message: string }> };
}

export interface GrantMessage {
  type: "STEP.GRANT";
  grant: Grant;
}

export interface DenyMessage {
  type: "STEP.DENY";
  reason: string;
}

export interface AgentCancelMessage {
  type: "CANCEL";
}

/** A delegated subtask's answer, or an error the caller reads (as a tool result). */
export interface DelegationAnswer {
  type: "TOOL.RESULT";
  callId: string;
  content: Content;
  isError: boolean;
  ms: number;
  at: number;
}

// ── agent → supervisor ─────────────────────────────────────────────────────────────────────

/** What one finished step adds: its record and its messages (assistant turn, tool results). */
export interface StepReport {
  record: StepRecord;
  messages: Message[];
  /** What baton changed to keep the request valid (dropped settings, replaced content). */
  warnings?: RunWarning[];
  /** The model call itself: its time (retries included, tools excluded) and what the provider says answered. */
  call?: { modelMs: number; responseModel?: string; responseId?: string };
}

/** A step is done and the agent goes on under its grant. */
export interface StepDoneMessage {
  type: "STEP.DONE";
  agent: string;
  done: StepReport;
  at: number;
}

/** The agent needs a grant (its grant is used up, or it just got the task); `done` is its last step. */
export interface StepRequestMessage {
  type: "STEP.REQUEST";
  agent: string;
  done?: StepReport;
  at: number;
}

export interface HandoffMessage {
  type: "HANDOFF";
  agent: string;
  done: StepReport;
  to: string;
  reason: string;
  task: string;
  at: number;
}

/** A model answered with tool calls (durable runs): written down before the calls run. */
export interface StepAnsweredMessage {
  type: "STEP.ANSWERED";
  agent: string;
  pending: PendingStep;
  at: number;
}

/** supervisor → agent: the answer is committed; its tools may run. */
export interface StepCommittedMessage {
  type: "STEP.COMMITTED";
}

/** session → supervisor: the records that asked for an acknowledgement are committed. */
export interface CheckpointCommitted {
  type: "CHECKPOINT.COMMITTED";
  agent: string;
}

/** The step has calls that wait for a person's approval: the run stops here, interrupted. */
export interface StepInterruptMessage {
  type: "STEP.INTERRUPT";
  agent: string;
  pending: PendingStep;
  at: number;
}

export interface FinalMessage {
  type: "FINAL";
  agent: string;
  done: StepReport;
  output: string;
  at: number;
}

/** The agent's step failed for good (retries spent, or an unusable answer). */
export interface FailedMessage {
  type: "FAILED";
  agent: string;
  /** The failed step's record (its error set), so every started step ends with a record. */
  done: StepReport;
  error: ErrorData;
  at: number;
}

/** A delegation (`ask_<agent>`): the supervisor runs it on the target and answers with TOOL.RESULT. */
export interface DelegateMessage {
  type: "DELEGATE";
  callId: string;
  /** The model's id for the `ask_<agent>` call (its answer is written down under it). */
  toolCallId: string;
  from: string;
  to: string;
  task: string;
  at: number;
}

// ── supervisor ↔ callbacks (`callbacks:<team>`: the user's policy, handoff filters, output schemas) ──

export interface PolicyAsk {
  type: "POLICY.ASK";
  askId: number;
  context: PolicyContext;
}

export interface PolicyAnswer {
  type: "POLICY.ANSWER";
  askId: number;
  decision?: PolicyDecision;
  error?: ErrorData;
  at: number;
}

export interface FilterAsk {
  type: "FILTER.ASK";
  askId: number;
  /** The receiving agent (whose filter applies, else the team's). */
  to: string;
  from: string;
  transcript: readonly Message[];
}

export interface FilterAnswer {
  type: "FILTER.ANSWER";
  askId: number;
  transcript?: Message[];
  error?: ErrorData;
  at: number;
}

export interface OutputCheck {
  type: "OUTPUT.CHECK";
  askId: number;
  agent: string;
  text: string;
}

export type OutputAnswer =
  | { type: "OUTPUT.ANSWER"; askId: number; ok: true; value: unknown; at: number }
  | { type: "OUTPUT.ANSWER"; askId: number; ok: false; issues: string[]; at: number };

export type CallbackAsk = PolicyAsk | FilterAsk | OutputCheck;

// ── to the team's event channel (`events:<team>`) ──────────────────────────────────────────

/** provider service → channel: a piece of streamed text as it arrives. */
export interface TextDeltaMessage {
  type: "TEXT.DELTA";
  runId: string;
  agent: string;
  model: string;
  step: number;
  text: string;
}

/** agent → channel: tool calls, results and retries as they happen (streaming runs and teams). */
export interface ProgressMessage {
  type: "PROGRESS";
  event: DistributiveOmit<Extract<RunEvent, { type: "tool.called" | "tool.result" | "step.retry" }>, "teamId">;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export type ChannelMessage = TextDeltaMessage | ProgressMessage;

export type SupervisorEvent =
  | RunRequest
  | CancelRequest
  | RunAbortRequest
  | StepDoneMessage
  | StepRequestMessage
  | HandoffMessage
  | FinalMessage
  | FailedMessage
  | DelegateMessage
  | StepAnsweredMessage
  | StepInterruptMessage
  | CheckpointCommitted
  | PolicyAnswer
  | FilterAnswer
  | OutputAnswer;
