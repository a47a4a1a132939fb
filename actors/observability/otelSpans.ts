/**
 * The span book of the OTel observer (otel.ts): the open spans of each traced run (its turns,
 * model calls and tool calls) and how they start and end. Shared by the event side
 * (otelEvents.ts) and the inspection side (otelInspect.ts).
 */
import { type Attributes, type Context, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import type { ErrorData } from "../../src/errors.js";
import type { AgentInfo, EventExtras } from "../../src/observability/eventExtras.js";
import {
  ATTR,
  finishReason,
  inputMessages,
  outputMessages,
  settingsAttributes,
  systemInstructions,
} from "../../src/observability/genai.js";
import { errorType, modelAttributes } from "../../src/observability/spanData.js";
import type { ModelSettings } from "../../src/providers/types.js";
import type { StepRecord } from "../../src/result.js";
import { delegateToolName } from "../../src/tools/handoffTools.js";
import type { Message } from "../../src/transcript/index.js";

export interface Turn {
  span: Span;
  ctx: Context;
  inputTokens: number;
  outputTokens: number;
}

export interface Chat {
  span: Span;
  startedAt: number;
  /** When the answer arrived (its first tool call), if before step.finished. */
  answeredAt?: number;
  retries: number;
  streamed: boolean;
  requestSeen: boolean;
}

export interface ToolSpan {
  span: Span;
  /** The agent a delegation (`ask_<agent>`) went to. */
  delegateTo?: string;
}

export interface TracedRun {
  recording: true;
  runId: string;
  teamId: string;
  span: Span;
  ctx: Context;
  agents: ReadonlyMap<string, AgentInfo>;
  turns: Map<string, Turn>;
  chats: Map<string, Chat>;
  tools: Map<string, ToolSpan>;
  /** Delegate agent → the key of the `ask_` tool span its turn goes under. */
  delegations: Map<string, string>;
  /** CALL requests seen before their chat span (inspection may come first). */
  requests: Map<string, CallRequest>;
}

export type RunEntry = TracedRun | { recording: false; span: Span };

export interface CallRequest {
  settings?: ModelSettings;
  system?: string;
  messages?: readonly Message[];
  streamed: boolean;
}

export const now = () => performance.timeOrigin + performance.now();
export const chatKey = (agent: string, step: number) => `${agent}#${step}`;
export const toolKey = (agent: string, callId: string) => `${agent}|${callId}`;
export const json = (value: unknown) => JSON.stringify(value);

/** The open spans of every run the observer follows, and the operations on them. */
export function createRunSpans(tracer: Tracer, content: boolean) {
  const runs = new Map<string, RunEntry>();
  /** The run each team is on, for inspection messages (they name teams, not runs). */
  const teamRuns = new Map<string, string>();
  /** Tool calls in flight by the correlation id of their TOOL.CALL message. */
  const toolCalls = new Map<string, { runId: string; key: string }>();

  const traced = (runId: string): TracedRun | undefined => {
    const entry = runs.get(runId);
    return entry?.recording ? entry : undefined;
  };

  const startTurn = (run: TracedRun, agent: string, parent: Context): Turn => {
    run.turns.get(agent)?.span.end(now());
    const attributes: Attributes = { [ATTR.operation]: "invoke_agent", [ATTR.agentName]: agent, [ATTR.runId]: run.runId };
    // Provider and model at creation, where known (samplers may read them).
    const info = run.agents.get(agent);
    if (info?.model) Object.assign(attributes, modelAttributes(info.model));
    if (info?.description) attributes[ATTR.agentDescription] = info.description;
    const span = tracer.startSpan(`invoke_agent ${agent}`, { kind: SpanKind.INTERNAL, attributes, startTime: now() }, parent);
    const turn: Turn = { span, ctx: trace.setSpan(parent, span), inputTokens: 0, outputTokens: 0 };
    run.turns.set(agent, turn);
    return turn;
  };

  const endTurn = (run: TracedRun, agent: string, error?: ErrorData) => {
    const turn = run.turns.get(agent);
    if (!turn) return;
    run.turns.delete(agent);
    turn.span.setAttributes({ [ATTR.inputTokens]: turn.inputTokens, [ATTR.outputTokens]: turn.outputTokens });
    if (error) fail(turn.span, error);
    turn.span.end(now());
  };

  /** The agent's open turn, or a new one: under its delegation's tool span, else under the run. */
  const turnOf = (run: TracedRun, agent: string): Turn => {
    const open = run.turns.get(agent);
    if (open) return open;
    const delegation = run.delegations.get(agent);
    const tool = delegation === undefined ? undefined : run.tools.get(delegation);
    return startTurn(run, agent, tool ? trace.setSpan(run.ctx, tool.span) : run.ctx);
  };

  const startTool = (run: TracedRun, agent: string, callId: string, name: string, extras: EventExtras): ToolSpan => {
    const key = toolKey(agent, callId);
    const existing = run.tools.get(key);
    if (existing) {
      if (existing.span.isRecording()) existing.span.updateName(`execute_tool ${name}`).setAttribute(ATTR.toolName, name);
      return existing;
    }
    const turn = turnOf(run, agent);
    const delegateTo = extras.delegateTo ?? [...run.agents.keys()].find((a) => a !== agent && delegateToolName(a) === name);
    const attributes: Attributes = {
      [ATTR.operation]: "execute_tool",
      [ATTR.toolName]: name,
      [ATTR.toolCallId]: callId,
      [ATTR.toolType]: "function",
      [ATTR.agentName]: agent,
    };
    if (delegateTo !== undefined) attributes[ATTR.delegateTo] = delegateTo;
    const span = tracer.startSpan(`execute_tool ${name}`, { kind: SpanKind.INTERNAL, attributes, startTime: now() }, turn.ctx);
    if (extras.mcpServer !== undefined) markMcp(span, extras.mcpServer);
    const tool: ToolSpan = delegateTo === undefined ? { span } : { span, delegateTo };
    run.tools.set(key, tool);
    if (delegateTo !== undefined) run.delegations.set(delegateTo, key);
    return tool;
  };

  /** Ends a tool call's span (and a delegate's turn inside it). */
  const finishTool = (run: TracedRun, key: string, isError: boolean, result: string) => {
    const tool = run.tools.get(key);
    if (!tool) return;
    run.tools.delete(key);
    if (tool.delegateTo !== undefined) {
      if (run.delegations.get(tool.delegateTo) === key) run.delegations.delete(tool.delegateTo);
      endTurn(run, tool.delegateTo);
    }
    if (isError) {
      tool.span.setAttribute(ATTR.errorType, "tool_error");
      tool.span.setStatus({ code: SpanStatusCode.ERROR, message: result.slice(0, 200) });
    }
    if (content) tool.span.setAttribute(ATTR.toolResult, result);
    tool.span.end(now());
  };

  const applyRequest = (chat: Chat, request: CallRequest) => {
    if (chat.requestSeen) return;
    chat.requestSeen = true;
    chat.span.setAttributes(settingsAttributes(request.settings));
    if (request.streamed) chat.span.setAttribute(ATTR.requestStream, true);
    if (!content) return;
    if (request.system) chat.span.setAttribute(ATTR.systemInstructions, json(systemInstructions(request.system)));
    if (request.messages) chat.span.setAttribute(ATTR.inputMessages, json(inputMessages(request.messages)));
  };

  const endChat = (run: TracedRun, key: string, record?: StepRecord, extras: EventExtras = {}) => {
    const chat = run.chats.get(key);
    if (!chat) return;
    run.chats.delete(key);
    const span = chat.span;
    span.setAttribute(ATTR.retries, chat.retries);
    if (record) {
      span.setAttributes({
        [ATTR.inputTokens]: record.usage.inputTokens,
        [ATTR.outputTokens]: record.usage.outputTokens,
        [ATTR.finishReasons]: [finishReason(record.stopReason)],
      });
      if (extras.responseModel !== undefined) span.setAttribute(ATTR.responseModel, extras.responseModel);
      if (extras.responseId !== undefined) span.setAttribute(ATTR.responseId, extras.responseId);
      if (content) span.setAttribute(ATTR.outputMessages, json(outputMessages(record.text, record.toolCalls, record.stopReason)));
      // A step that failed for good ends with its record: the chat span carries the error.
      if (record.error) fail(span, record.error);
    }
    // The model answered when its first tool call went out (or now, with no tools): tool time is not model time.
    const end = extras.modelMs !== undefined ? chat.startedAt + extras.modelMs : (chat.answeredAt ?? now());
    span.end(end);
  };

  const endRun = (run: TracedRun, error?: ErrorData) => {
    for (const key of [...run.chats.keys()]) {
      const chat = run.chats.get(key)!;
      if (error) fail(chat.span, error);
      endChat(run, key);
    }
    for (const tool of run.tools.values()) {
      if (error) fail(tool.span, error);
      tool.span.end(now());
    }
    run.tools.clear();
    for (const agent of [...run.turns.keys()]) endTurn(run, agent, error);
    if (error) fail(run.span, error);
    run.span.end(now());
    runs.delete(run.runId);
    if (teamRuns.get(run.teamId) === run.runId) teamRuns.delete(run.teamId);
    for (const [id, pending] of toolCalls) if (pending.runId === run.runId) toolCalls.delete(id);
  };

  return {
    tracer,
    content,
    runs,
    teamRuns,
    toolCalls,
    traced,
    startTurn,
    endTurn,
    turnOf,
    startTool,
    finishTool,
    applyRequest,
    endChat,
    endRun,
  };
}

export type RunSpans = ReturnType<typeof createRunSpans>;

export function markMcp(span: Span, server: string): void {
  span.setAttributes({ [ATTR.mcpMethod]: "tools/call", [ATTR.mcpServer]: server, [ATTR.toolType]: "extension" });
}

export function fail(span: Span, error: ErrorData): void {
  span.setAttribute(ATTR.errorType, errorType(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
}
