/**
 * A multi-agent run on scripted sim models with everything a trace has to show: a failed model
 * call that is retried, a local tool call, a delegation (the delegate answers from its own
 * context) and a handoff. Observers are fed the way the Runner's `trace` option will feed them:
 * `inspect` on the Runner and a listener on every event of the stream.
 */
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { InspectionEvent } from "xstate";
import { z } from "zod";
import {
  defineTool,
  type RunEvent,
  type RunEventName,
  Runner,
  type RunnerOptions,
  type RunOptions,
  type RunResult,
} from "../../src/index.js";
import type { SimScript } from "../../src/sim/index.js";

export const EVENT_NAMES: RunEventName[] = [
  "run.started",
  "step.started",
  "text.delta",
  "tool.called",
  "tool.result",
  "step.retry",
  "handoff",
  "step.finished",
  "run.finished",
  "run.failed",
];

export interface Observer {
  onEvent(event: RunEvent): void;
  onInspect?(event: InspectionEvent): void;
}

export const lookup = defineTool({
  name: "lookup",
  description: "Look facts up.",
  parameters: z.object({ topic: z.string() }),
  execute: async ({ topic }) => {
    await new Promise((resolve) => setTimeout(resolve, 15));
    return `FACT: the ${topic} launched on 2026-05-01.`;
  },
});

/** lead: fails once (HTTP 503), then calls `lookup` and asks the researcher; then hands off to the writer. */
export const TEAM_SCRIPTS: Record<string, SimScript> = {
  lead: [
    { fault: { status: 503, message: "overloaded" }, latencyMs: 12 },
    {
      text: "Looking it up and asking the researcher.",
      toolCalls: [{ name: "lookup", args: { topic: "probe" } }],
      delegate: [{ to: "sim/researcher", task: "Check the orbit." }],
      latencyMs: 20,
    },
    { text: "Research done.", handoff: { to: "sim/writer", reason: "the research is done", task: "Write the report" }, latencyMs: 10 },
  ],
  researcher: [{ text: "The probe reached orbit nine minutes after launch.", latencyMs: 25 }],
  writer: [{ text: "Report: the probe launched on 2026-05-01 and reached orbit nine minutes later.", latencyMs: 30 }],
};

export const TEAM_RUN: RunOptions = {
  input: "Research the probe launch, then write a short report.",
  model: ["sim/lead", "sim/researcher", "sim/writer"],
  tools: [lookup],
  handoffs: "both",
  instructions: "Research first, then hand the writing to the writer.",
};

/** Runs `options` on a new Runner as a stream, feeding every observer; closes the Runner. */
export async function observedRun(
  observers: Observer[],
  options: RunOptions = TEAM_RUN,
  scripts: Record<string, SimScript> = TEAM_SCRIPTS,
  runnerOptions: RunnerOptions = {},
): Promise<RunResult> {
  const runner = new Runner({
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    ...runnerOptions,
    providers: { ...runnerOptions.providers, sim: { scripts } },
    inspect: (event) => {
      for (const observer of observers) observer.onInspect?.(event);
    },
  });
  try {
    const stream = runner.stream(options);
    const feed = (event: RunEvent) => {
      for (const observer of observers) observer.onEvent(event);
    };
    for (const name of EVENT_NAMES) stream.on(name, feed as never);
    return await stream.result;
  } finally {
    await runner.close();
  }
}

/** A tracer provider with the SDK's in-memory exporter. */
export function memoryTracing(): { provider: BasicTracerProvider; exporter: InMemorySpanExporter; spans: () => ReadableSpan[] } {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { provider, exporter, spans: () => exporter.getFinishedSpans() };
}

/** Spans by name, with parent lookups, for asserting a tree. */
export function spanTree(spans: ReadableSpan[]) {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const parentOf = (span: ReadableSpan) => {
    const id = span.parentSpanContext?.spanId;
    return id === undefined ? undefined : byId.get(id);
  };
  const named = (name: string) => spans.filter((s) => s.name === name);
  /** The one span of that name; with `index`, the index-th of several in start order. */
  const one = (name: string, index?: number) => {
    const found = named(name).sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
    if (index !== undefined && found[index]) return found[index];
    if (found.length !== 1) throw new Error(`expected one span "${name}", found ${found.length}: ${spans.map((s) => s.name).join(", ")}`);
    return found[0]!;
  };
  return { byId, parentOf, named, one };
}
