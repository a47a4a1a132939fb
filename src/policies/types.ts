import type { ErrorData } from "../errors.js";
import type { ModelSettings } from "../providers/types.js";
import type { HandoffRecord, RunUsage } from "../result.js";
import type { Message } from "../transcript/index.js";

/** What a policy sees before every model call (DESIGN §6). */
export interface PolicyContext {
  /** The step about to run, 1-based. */
  step: number;
  /** The agent about to be called (its model id in the model-list shorthand). */
  agent: string;
  /** The team's agents: name, model and what each is good at. */
  agents: Array<{ name: string; model: string; description: string }>;
  /** The model about to be called. */
  model: string;
  /** The team's distinct models. */
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
  /** Consecutive failed calls per agent in this run. */
  failures: Record<string, number>;
  /** Set when the call is being decided because `agent` just failed (retries spent). */
  lastError?: ErrorData & { model: string; agent: string };
}

/** What a policy may decide; every field optional. */
export interface PolicyDecision {
  /** Move the task to this agent (a policy handoff). */
  agent?: string;
  /** Move the task to the agent on this model; must name exactly one agent (else POLICY_ERROR). */
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
