/**
 * The inspection side of the OTel observer (otel.ts): request settings and prompts, tool calls
 * on their way to their service (MCP server included) and policy answers, from actor messages.
 */
import type { InspectionEvent } from "xstate";
import { agentName } from "../../src/observability/actors.js";
import { SPAN_EVENT } from "../../src/observability/genai.js";
import { parseCallId, policyAttributes, systemIdOf, toolCallIdOf } from "../../src/observability/spanData.js";
import type { ModelSettings } from "../../src/providers/types.js";
import { type Content, contentText, type Message } from "../../src/transcript/index.js";
import { type CallRequest, chatKey, markMcp, type RunSpans, toolKey } from "./otelSpans.js";

/** Feeds one inspection event into the spans of the run it belongs to. */
export function inspectionHandler(spans: RunSpans): (inspection: InspectionEvent) => void {
  const { content, teamRuns, toolCalls, traced, startTool, finishTool, applyRequest } = spans;
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

  return onInspect;
}
