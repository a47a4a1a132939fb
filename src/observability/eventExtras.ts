/**
 * Fields the observers read from events, each optional. The events carry `agent` (every event),
 * `responseModel`, `responseId` and `modelMs` (step.finished), `mcpServer` (tool events of MCP
 * tools) and `delegateTo` (a delegation's tool events). Not carried yet, and done without:
 * `agents` with their models (run.started lists names), `conversationId`, and a step's `policy`
 * decision (the observer reads POLICY.ANSWER messages instead).
 */
import type { RunEvent } from "../events.js";

export interface EventExtras {
  /** Every event: the agent's name (named agents); `model` is the agent's name until then. */
  agent?: string;
  /** `run.started`: the team's agents, by name or with their model and description (`models` until then). */
  agents?: Array<string | AgentInfo>;
  /** `run.started`: a conversation id that stays the same across a team's runs (`gen_ai.conversation.id`). */
  conversationId?: string;
  /** `step.started`: what the policy decided for this step (its returned decision, plain data). */
  policy?: Record<string, unknown>;
  /** `step.finished` (or its `record`): the model id the provider says answered (`gen_ai.response.model`). */
  responseModel?: string;
  /** `step.finished` (or its `record`): the provider's response id (`gen_ai.response.id`). */
  responseId?: string;
  /** `step.finished` (or its `record`): ms of the model call itself, retries included, tools excluded. */
  modelMs?: number;
  /** `tool.called` / `tool.result`: the MCP server that owns the tool. */
  mcpServer?: string;
  /** `tool.called` of a delegation: the agent asked. */
  delegateTo?: string;
}

export interface AgentInfo {
  name: string;
  /** `provider/model` */
  model?: string;
  description?: string;
}

/** The agents of a `run.started` event as objects: named agents when the event lists them, else one per model. */
export function agentsOf(event: { models: string[] } & EventExtras): AgentInfo[] {
  if (!event.agents) return event.models.map((model) => ({ name: model, model }));
  return event.agents.map((a) => (typeof a === "string" ? { name: a } : a));
}

/** The extras an event carries (top level, or on a `step.finished` record). */
export function extrasOf(event: RunEvent): EventExtras {
  if (event.type !== "step.finished") return event as EventExtras;
  const record = event.record as EventExtras;
  const top = event as EventExtras;
  const out: EventExtras = { ...top };
  const responseModel = top.responseModel ?? record.responseModel;
  const responseId = top.responseId ?? record.responseId;
  const modelMs = top.modelMs ?? record.modelMs;
  if (responseModel !== undefined) out.responseModel = responseModel;
  if (responseId !== undefined) out.responseId = responseId;
  if (modelMs !== undefined) out.modelMs = modelMs;
  return out;
}
