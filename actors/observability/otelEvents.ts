/** The event side of the OTel observer (otel.ts): spans from a run's public events. */
import { type Attributes, type Context, context as contextApi, SpanKind, trace } from "@opentelemetry/api";
import type { RunEvent } from "../../src/events.js";
import { agentsOf, extrasOf } from "../../src/observability/eventExtras.js";
import { ATTR, outputMessages, providerName, SPAN_EVENT, splitModel } from "../../src/observability/genai.js";
import { errorType, modelAttributes, policyAttributes } from "../../src/observability/spanData.js";
import type { RunResult } from "../../src/result.js";
import { contentText } from "../../src/transcript/index.js";
import { type Chat, chatKey, json, now, type RunSpans, type TracedRun, toolKey } from "./otelSpans.js";

export interface EventSideOptions {
  workflow: string;
  parent?: ((event: Extract<RunEvent, { type: "run.started" }>) => Context | undefined) | undefined;
}

/** Feeds one event into the run's spans. */
export function eventHandler(spans: RunSpans, options: EventSideOptions): (event: RunEvent) => void {
  const { tracer, content, runs, teamRuns, startTurn, endTurn, turnOf, startTool, finishTool, applyRequest, endChat, endRun } = spans;
  const { workflow } = options;
  return (event: RunEvent) => {
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
      if (event.type === "run.finished" || event.type === "run.failed" || event.type === "run.interrupted") runs.delete(event.runId);
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
        run.span.setAttributes(runAttributes(result));
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
      case "run.interrupted": {
        // Waiting for a person's approval: the run's spans end here; a resume is a run of its own.
        const { result } = event;
        run.span.setAttributes(runAttributes(result));
        endRun(run);
        return;
      }
    }
  };
}

/** What the run span says of a run's result (finished or interrupted). */
function runAttributes(result: RunResult<unknown>): Record<string, string | number> {
  return {
    [ATTR.runStatus]: result.status,
    [ATTR.runSteps]: result.stepsUsed,
    [ATTR.runInputTokens]: result.usage.inputTokens,
    [ATTR.runOutputTokens]: result.usage.outputTokens,
  };
}
