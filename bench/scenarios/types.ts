/** What every implementation of the scenario provides to the measuring code. */
import type { InspectionEvent } from "xstate";
import type { TraceOption } from "../../src/index.js";

/** Where the provider server listens. */
export interface Endpoints {
  /** The OpenAI SDK's `baseURL` (`…/v1`). */
  openaiBaseURL: string;
  /** The Anthropic SDK's `baseURL` (no `/v1`). */
  anthropicBaseURL: string;
}

export interface ScenarioOptions {
  /** Earlier user/assistant messages sent before the input (transcript-length runs). */
  history?: number;
  /** baton only: the Runner's `inspect` option (the actor-message count). */
  inspect?: (event: InspectionEvent) => void;
  /** baton only: each run's `trace` option (bench/tracing.ts). */
  trace?: TraceOption;
}

export interface StreamOutcome {
  /** From the call to the first text delta, in ms. */
  firstDeltaMs: number;
  /** The final answer. */
  answer: string;
}

export interface Implementation {
  /** Short label for tables. */
  name: string;
  /** Runs the scenario once, not streamed; resolves with the final answer. */
  runOnce(): Promise<string>;
  /** Runs it once streamed; absent where the implementation cannot stream. */
  stream?(): Promise<StreamOutcome>;
  close(): Promise<void>;
}

/** `build:<label>`: baton's scenario from another checkout (`npm run bench -- --build <label>=<dir>`). */
export type ImplementationKey = "raw" | "baton" | "openaiAgents" | "langgraph" | `build:${string}`;

export type Factory = (endpoints: Endpoints, options?: ScenarioOptions) => Promise<Implementation>;

export const API_KEY = "bench-key";
