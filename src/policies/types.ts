import type { ErrorData } from "../errors.js";
import type { ModelSettings } from "../providers/types.js";
import type { HandoffRecord, RunUsage } from "../result.js";
import type { Message } from "../transcript/index.js";

/** What a policy sees before every model call (DESIGN §6). */
export interface PolicyContext {
  /** The step about to run, 1-based. */
  step: number;
  /** The model about to be called. */
  model: string;
  models: string[];
  messages: readonly Message[];
  /** Names of the tools called so far in this run, in order. */
  toolsCalled: string[];
  handoffs: HandoffRecord[];
  usage: RunUsage;
  /** Names of the tools available to the model (handoff tools excluded). */
  tools: string[];
  mcpServers: string[];
  maxSteps: number;
  /** Consecutive failed calls per model in this run. */
  failures: Record<string, number>;
  /** Set when the call is being decided because `model` just failed (retries spent). */
  lastError?: ErrorData & { model: string };
}

/** What a policy may decide; every field optional. */
export interface PolicyDecision {
  /** Move the task to this model (a policy handoff). Must be one of the team's models. */
  model?: string;
  /** For this call only: a string goes before the system prompt; messages go before the transcript. */
  messagePrepend?: string | Message[];
  /** For this call only: a string becomes a user message after the transcript. */
  messageAppend?: string | Message[];
  /** Sticks for the rest of the run. */
  maxSteps?: number;
  /** End the run with status `stopped`. `true`, or a reason. */
  stop?: boolean | string;
  /** Merged over the model's settings for this call. */
  modelSettings?: ModelSettings;
  /** Narrow this call's tools to these names. */
  tools?: string[];
  /** Narrow this call's MCP tools to these servers. */
  mcpServers?: string[];
}

export type PolicyFunction = (context: PolicyContext) => PolicyDecision | undefined | void | Promise<PolicyDecision | undefined | void>;

export type Policy = PolicyDecision | PolicyFunction;
