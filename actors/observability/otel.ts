/**
 * OpenTelemetry spans of a run, following the GenAI semantic conventions, made by observing
 * the run's public events (and, optionally, the actor messages XState inspection shows):
 *
 *   invoke_workflow baton                    one per run
 *   ├─ invoke_agent <agent>                  one per turn of an agent (a handoff ends a turn)
 *   │  ├─ chat <model>                       one per model call, retries included (span events)
 *   │  ├─ execute_tool <tool>                one per tool call (local or MCP)
 *   │  └─ execute_tool ask_<agent>           a delegation …
 *   │     └─ invoke_agent <agent>            … and the delegate's turn inside it
 *   └─ invoke_agent <next agent>             after a handoff (a `baton.handoff` span event)
 *
 * Only `@opentelemetry/api`: with no SDK registered every span is a no-op and a run whose span
 * does not record is skipped after one map lookup per event.
 */
import {
  type Attributes,
  type Context,
  context as contextApi,
  isSpanContextValid,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import type { InspectionEvent } from "xstate";
import type { ErrorData } from "../../src/errors.js";
import type { RunEvent } from "../../src/events.js";
import { agentName } from "../../src/observability/actors.js";
import { type AgentInfo, agentsOf, type EventExtras, extrasOf } from "../../src/observability/eventExtras.js";
import {
  ATTR,
  finishReason,
  formatTraceparent,
  inputMessages,
  outputMessages,
  providerName,
  SPAN_EVENT,
  settingsAttributes,
  splitModel,
  systemInstructions,
} from "../../src/observability/genai.js";
import { errorType, modelAttributes, parseCallId, policyAttributes, systemIdOf, toolCallIdOf } from "../../src/observability/spanData.js";
import type { ModelSettings } from "../../src/providers/types.js";
import type { StepRecord } from "../../src/result.js";
import { delegateToolName } from "../../src/tools/handoffTools.js";
import { type Content, contentText, type Message } from "../../src/transcript/index.js";

export interface OtelObserverOptions {
  /** Default: `trace.getTracer("baton")` from the globally registered provider (a no-op without one). */
  tracer?: Tracer;
  /**
   * Record message content: prompts, answers, tool arguments and results, handoff tasks
   * (`gen_ai.input.messages`, `gen_ai.output.messages`, `gen_ai.tool.call.arguments`, …).
   * Off by default: content is often sensitive and large.
   */
  captureContent?: boolean;
  /** `gen_ai.workflow.name` of the run spans (default `baton`). */
  workflowName?: string;
  /** Parent of each run span (default: the context active when `run.started` is observed). */
  parent?: (event: Extract<RunEvent, { type: "run.started" }>) => Context | undefined;
}

/** What the MCP side passes to find the span of the tool call it is about to make. */
export interface ToolCallRef {
  runId: string;
  /** The calling agent's name. */
  agent: string;
  /** The tool's name (used for the span when the observer has not seen the call yet). */
  name: string;
  /** `<runId>:<the model's tool call id>` (TOOL.CALL's idempotencyKey). */
  idempotencyKey?: string;
  /** The model's tool call id, when known directly. */
  toolCallId?: string;
}

export interface OtelObserver {
  onEvent(event: RunEvent): void;
  /** Optional: XState inspection events. Adds request settings, MCP servers and policy decisions. */
  onInspect(event: InspectionEvent): void;
  /**
   * W3C trace context of the `execute_tool` span of this tool call, started now if the observer
   * has not seen the call yet: what an MCP client puts in `params._meta` and the HTTP header.
   * Undefined when the run is not traced.
   */
  traceContextFor(call: ToolCallRef): { traceparent: string; tracestate?: string } | undefined;
  /** Whether this observer records spans of the run (a registered SDK sampled it in). */
  recording(runId: string): boolean;
  /** Ends the spans still open (a run cut short by runner.close()). */
  close(): void;
}

interface Turn {
  span: Span;
  ctx: Context;
  inputTokens: number;
  outputTokens: number;
}

interface Chat {
  span: Span;
  startedAt: number;
  /** When the answer arrived (its first tool call), if before step.finished. */
  answeredAt?: number;
  retries: number;
  streamed: boolean;
  requestSeen: boolean;
}

interface ToolSpan {
  span: Span;
  /** The agent a delegation (`ask_<agent>`) went to. */
  delegateTo?: string;
}

interface TracedRun {
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

type RunEntry = TracedRun | { recording: false; span: Span };

interface CallRequest {
  settings?: ModelSettings;
  system?: string;
  messages?: readonly Message[];
  streamed: boolean;
}

const now = () => performance.timeOrigin + performance.now();
const chatKey = (agent: string, step: number) => `${agent}#${step}`;
const toolKey = (agent: string, callId: string) => `${agent}|${callId}`;
const json = (value: unknown) => JSON.stringify(value);

export function createOtelObserver(options: OtelObserverOptions = {}): OtelObserver {
  const tracer = options.tracer ?? trace.getTracer("baton");
  const content = options.captureContent === true;
  const workflow = options.workflowName ?? "baton";
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

  const onEvent = (event: RunEvent) => {
    if (event.type === "run.started") {
      const parent = options.parent?.(event) ?? contextApi.active();
      const attributes: Attributes = {
        [ATTR.operation]: "invoke_workflow",
        [ATTR.workflowName]: workflow,
        [ATTR.runId]: event.runId,
        [ATTR.teamId]: event.teamId,
      };
      const extras = extrasOf(event);
      if (extras.conversationId !== undefined) attributes[ATTR.conversationId] = extras.conversationId;
      const span = tracer.startSpan(`invoke_workflow ${workflow}`, { kind: SpanKind.INTERNAL, attributes, startTime: now() }, parent);
      if (!span.isRecording()) {
        runs.set(event.runId, { recording: false, span });
        return;
      }
      if (content) span.setAttribute(ATTR.inputMessages, json([{ role: "user", parts: [{ type: "text", content: event.input }] }]));
      const run: TracedRun = {
        recording: true,
        runId: event.runId,
        teamId: event.teamId,
        span,
        ctx: trace.setSpan(parent, span),
        agents: new Map(agentsOf(event).map((a) => [a.name, a])),
        turns: new Map(),
        chats: new Map(),
        tools: new Map(),
        delegations: new Map(),
        requests: new Map(),
      };
      runs.set(event.runId, run);
      teamRuns.set(event.teamId, event.runId);
      startTurn(run, extras.agent ?? event.model, run.ctx);
      return;
    }
    const entry = runs.get(event.runId);
    if (!entry) return;
    if (!entry.recording) {
      if (event.type === "run.finished" || event.type === "run.failed") runs.delete(event.runId);
      return;
    }
    const run = entry;
    const extras = extrasOf(event);
    switch (event.type) {
      case "step.started": {
        const agent = extras.agent ?? event.model;
        const turn = turnOf(run, agent);
        if (!run.agents.get(agent)?.model) turn.span.setAttributes(modelAttributes(event.model));
        if (extras.policy) turn.span.addEvent(SPAN_EVENT.policy, policyAttributes(extras.policy, content));
        const { provider, model } = splitModel(event.model);
        const attributes: Attributes = {
          [ATTR.operation]: "chat",
          [ATTR.provider]: providerName(provider),
          [ATTR.requestModel]: model,
          [ATTR.agentName]: agent,
          [ATTR.step]: event.step,
        };
        const startedAt = now();
        const span = tracer.startSpan(`chat ${model}`, { kind: SpanKind.CLIENT, attributes, startTime: startedAt }, turn.ctx);
        const key = chatKey(agent, event.step);
        const chat: Chat = { span, startedAt, retries: 0, streamed: false, requestSeen: false };
        run.chats.set(key, chat);
        const request = run.requests.get(key);
        if (request) {
          run.requests.delete(key);
          applyRequest(chat, request);
        }
        return;
      }
      case "text.delta": {
        const chat = run.chats.get(chatKey(extras.agent ?? event.model, event.step));
        if (chat && !chat.streamed) {
          chat.streamed = true;
          chat.span.setAttributes({ [ATTR.requestStream]: true, [ATTR.timeToFirstChunk]: (now() - chat.startedAt) / 1000 });
        }
        return;
      }
      case "step.retry": {
        const chat = run.chats.get(chatKey(extras.agent ?? event.model, event.step));
        if (!chat) return;
        chat.retries += 1;
        chat.span.addEvent(SPAN_EVENT.retry, {
          "baton.retry.attempt": event.attempt,
          "baton.retry.delay_ms": event.delayMs,
          [ATTR.errorType]: errorType(event.error),
          "baton.error.message": event.error.message,
        });
        return;
      }
      case "tool.called": {
        const agent = extras.agent ?? event.model;
        const chat = run.chats.get(chatKey(agent, event.step));
        if (chat) chat.answeredAt ??= now();
        const tool = startTool(run, agent, event.callId, event.name, extras);
        if (content) tool.span.setAttribute(ATTR.toolArguments, json(event.args));
        return;
      }
      case "tool.result":
        // Ended already when inspection saw the TOOL.RESULT reach the agent (then this finds nothing).
        finishTool(run, toolKey(extras.agent ?? event.model, event.callId), event.isError, contentText(event.content));
        return;
      case "step.finished": {
        const agent = extras.agent ?? event.model;
        const turn = run.turns.get(agent);
        if (turn) {
          turn.inputTokens += event.record.usage.inputTokens;
          turn.outputTokens += event.record.usage.outputTokens;
        }
        endChat(run, chatKey(agent, event.step), event.record, extras);
        return;
      }
      case "handoff": {
        const attributes: Attributes = {
          "baton.handoff.from": event.from,
          "baton.handoff.to": event.to,
          "baton.handoff.reason": event.reason,
          "baton.handoff.by": event.by,
          [ATTR.step]: event.step,
        };
        if (content && event.task) attributes["baton.handoff.task"] = event.task;
        run.span.addEvent(SPAN_EVENT.handoff, attributes);
        run.turns.get(event.from)?.span.addEvent(SPAN_EVENT.handoff, attributes);
        if (event.by !== "model") {
          run.span.addEvent(SPAN_EVENT.policy, {
            "baton.policy.action": event.by === "fallback" ? "fallback" : "move",
            "baton.policy.agent": event.to,
          });
        }
        endTurn(run, event.from);
        startTurn(run, event.to, run.ctx);
        return;
      }
      case "run.finished": {
        const { result } = event;
        run.span.setAttributes({
          [ATTR.runStatus]: result.status,
          [ATTR.runSteps]: result.stepsUsed,
          [ATTR.runInputTokens]: result.usage.inputTokens,
          [ATTR.runOutputTokens]: result.usage.outputTokens,
        });
        if (result.usage.costUSD !== undefined) run.span.setAttribute(ATTR.runCostUSD, result.usage.costUSD);
        if (result.reason) run.span.setAttribute(ATTR.runReason, result.reason);
        if (result.status !== "completed") {
          run.span.addEvent(SPAN_EVENT.policy, {
            "baton.policy.action": result.status === "stopped" ? "stop" : "limit",
            "baton.policy.reason": result.reason ?? "",
          });
        }
        if (content)
          run.span.setAttribute(ATTR.outputMessages, json(outputMessages(result.outputText ?? String(result.finalOutput), [], "stop")));
        endRun(run);
        return;
      }
      case "run.failed":
        endRun(run, event.error);
        return;
    }
  };

  const onInspect = (inspection: InspectionEvent) => {
    if (inspection.type !== "@xstate.event") return;
    const event = inspection.event as Record<string, unknown> & { type: string };
    const type = event.type;
    if (type === "CALL") return onCall(event);
    if (type === "TOOL.CALL") return onToolCall(event, systemIdOf(inspection.actorRef));
    if (type === "TOOL.RESULT") return onToolResult(event);
    if (type === "TOOL.CANCEL") {
      toolCalls.delete(event.callId as string);
      return;
    }
    if (type === "POLICY.ANSWER") return onPolicyOutput({ output: event.decision }, systemIdOf(inspection.actorRef));
  };

  /** A model call request: settings, and the prompt when content is captured. */
  const onCall = (event: Record<string, unknown>) => {
    const parsed = parseCallId(event.callId);
    if (!parsed) return;
    const run = traced(parsed.runId);
    const agent = agentName(event.replyTo as string | undefined);
    if (!run || agent === undefined) return;
    const request = (event.request ?? {}) as { settings?: ModelSettings; system?: string; messages?: readonly Message[] };
    const call: CallRequest = { streamed: event.deltas !== undefined };
    if (request.settings) call.settings = request.settings;
    if (request.system) call.system = request.system;
    if (request.messages) call.messages = request.messages;
    const key = chatKey(agent, parsed.step);
    const chat = run.chats.get(key);
    if (chat) applyRequest(chat, call);
    else if (parsed.attempt === 0) run.requests.set(key, call);
  };

  /** A tool call on its way to its service: start its span now (before the service runs it) and note its MCP server. */
  const onToolCall = (event: Record<string, unknown>, to: string | undefined) => {
    const runId = event.runId as string;
    const run = traced(runId);
    if (!run || typeof event.agent !== "string") return;
    const callId = toolCallIdOf(runId, event.idempotencyKey as string | undefined) ?? (event.callId as string);
    const server = to?.startsWith("mcp:") ? to.slice(4) : undefined;
    const tool = startTool(run, event.agent, callId, event.name as string, server === undefined ? {} : { mcpServer: server });
    if (server !== undefined) markMcp(tool.span, server);
    toolCalls.set(event.callId as string, { runId, key: toolKey(event.agent, callId) });
  };

  /** A tool's answer reaching its agent: the call's span ends now (runner.run reports no tool.result events). */
  const onToolResult = (event: Record<string, unknown>) => {
    const pending = toolCalls.get(event.callId as string);
    if (!pending) return; // a delegation's answer: its span ends with the tool.result event
    toolCalls.delete(event.callId as string);
    const run = traced(pending.runId);
    if (run) finishTool(run, pending.key, event.isError === true, contentText(event.content as Content));
  };

  /** A policy function's answer to the supervisor (an invoked promise's done event). */
  const onPolicyOutput = (event: Record<string, unknown>, to: string | undefined) => {
    if (!to?.startsWith("team:")) return;
    const runId = teamRuns.get(to.slice(5));
    const run = runId === undefined ? undefined : traced(runId);
    const output = event.output;
    if (!run || !output || typeof output !== "object") return;
    const decision = output as Record<string, unknown>;
    if (Object.keys(decision).length === 0) return;
    run.span.addEvent(SPAN_EVENT.policy, policyAttributes(decision, content));
  };

  return {
    onEvent,
    onInspect,
    recording: (runId) => traced(runId) !== undefined,
    traceContextFor: (call) => {
      const entry = runs.get(call.runId);
      if (!entry) return undefined;
      let span = entry.span;
      if (entry.recording) {
        const callId = call.toolCallId ?? toolCallIdOf(call.runId, call.idempotencyKey);
        if (callId !== undefined) span = startTool(entry, call.agent, callId, call.name, {}).span;
      }
      const ctx = span.spanContext();
      if (!isSpanContextValid(ctx)) return undefined;
      const traceparent = formatTraceparent(ctx.traceId, ctx.spanId, ctx.traceFlags);
      const tracestate = ctx.traceState?.serialize();
      return tracestate ? { traceparent, tracestate } : { traceparent };
    },
    close: () => {
      for (const entry of [...runs.values()]) {
        if (entry.recording) endRun(entry, { code: "CLOSED", message: "The observer was closed before the run ended." });
      }
      runs.clear();
      teamRuns.clear();
      toolCalls.clear();
    },
  };
}

function markMcp(span: Span, server: string): void {
  span.setAttributes({ [ATTR.mcpMethod]: "tools/call", [ATTR.mcpServer]: server, [ATTR.toolType]: "extension" });
}

function fail(span: Span, error: ErrorData): void {
  span.setAttribute(ATTR.errorType, errorType(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
}
