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
import { type Context, isSpanContextValid, type Tracer, trace } from "@opentelemetry/api";
import type { InspectionEvent } from "xstate";
import type { RunEvent } from "../../src/events.js";
import { formatTraceparent } from "../../src/observability/genai.js";
import { toolCallIdOf } from "../../src/observability/spanData.js";
import { eventHandler } from "./otelEvents.js";
import { inspectionHandler } from "./otelInspect.js";
import { createRunSpans } from "./otelSpans.js";

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

export function createOtelObserver(options: OtelObserverOptions = {}): OtelObserver {
  const tracer = options.tracer ?? trace.getTracer("baton");
  const spans = createRunSpans(tracer, options.captureContent === true);
  const { runs, teamRuns, toolCalls, traced, startTool, endRun } = spans;
  const onEvent = eventHandler(spans, { workflow: options.workflowName ?? "baton", parent: options.parent });
  const onInspect = inspectionHandler(spans);

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
