/**
 * The provider-call protocol: an agent asks its provider's service (`provider:<name>`) for one
 * model call and gets CALL.DONE or CALL.FAILED back, unless it aborted the call. Plain data.
 */
import type { ErrorData } from "../../src/errors.js";
import type { ModelResponse, PlainModelRequest } from "../../src/providers/types.js";

/** Where a streaming call's text deltas go, and how they are tagged. */
export interface DeltaTarget {
  /** systemId of the team's event channel. */
  channel: string;
  runId: string;
  teamId: string;
  agent: string;
  model: string;
  step: number;
}

/** agent → provider service */
export interface ProviderCallEvent {
  type: "CALL";
  /** Unique across teams (the service is shared): `<run>:<agent>:<step>:<attempt>`. */
  callId: string;
  /** systemId of the agent that waits for the answer. */
  replyTo: string;
  request: PlainModelRequest;
  /** Present when someone listens to text deltas: the service streams them there. */
  deltas?: DeltaTarget;
}

/** agent → provider service: abort a call in flight; it answers nothing. */
export interface ProviderAbortEvent {
  type: "CALL.ABORT";
  callId: string;
}

/** provider service → agent. `startedAt` / `at`: the actor's clock (machines read none). */
export type ProviderAnswerEvent =
  | { type: "CALL.DONE"; callId: string; output: ModelResponse; startedAt: number; at: number }
  | { type: "CALL.FAILED"; callId: string; error: ErrorData; startedAt: number; at: number };

export type ProviderServiceEvent = ProviderCallEvent | ProviderAbortEvent;
