/**
 * What tracing costs per run (a measurement script, not a test: `npx tsx test/observability/overhead.ts`).
 * The team run of the tests without latencies or faults (4 model calls, a tool call, a delegation,
 * a handoff), streamed, on one Runner per variant so idle teams are reused as in production.
 * Variants run in rotating order within each round; the report is the median per-run time and the
 * median paired difference to the plain run.
 */
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { InspectionEvent } from "xstate";
import { createOtelObserver, createTraceRecorder, type RunEvent, Runner } from "../../src/index.js";
import type { SimScript } from "../../src/sim/index.js";
import { EVENT_NAMES, lookup, TEAM_RUN } from "./support.js";

const ROUNDS = Number(process.env.ROUNDS ?? 15);
const RUNS_PER_ROUND = Number(process.env.RUNS ?? 20);

const scripts: Record<string, SimScript> = {
  lead: (request) =>
    request.messages.some((m) => m.role === "tool")
      ? { text: "Done.", handoff: { to: "sim/writer", reason: "write it" } }
      : { toolCalls: [{ name: "lookup", args: { topic: "probe" } }], delegate: [{ to: "sim/researcher", task: "Check." }] },
  researcher: () => ({ text: "Checked." }),
  writer: () => ({ text: "The report." }),
};
// The tool answers at once: only baton's own work is timed.
const fastLookup = { ...lookup, execute: async () => "FACT: fast" } as typeof lookup;

interface Variant {
  name: string;
  runner: Runner;
  feed?: (event: RunEvent) => void;
  reset?: () => void;
}

/** Time spent inside the observers' callbacks, per variant: their direct cost, less exposed to scheduling noise. */
const inside = new Map<string, number>();

function timed<T>(name: string, fn: (arg: T) => void): (arg: T) => void {
  return (arg) => {
    const start = performance.now();
    fn(arg);
    inside.set(name, (inside.get(name) ?? 0) + performance.now() - start);
  };
}

function variant(
  name: string,
  setup: { inspect?: (event: InspectionEvent) => void; feed?: (e: RunEvent) => void; reset?: () => void } = {},
): Variant {
  const inspect = setup.inspect;
  const runner = new Runner({ providers: { sim: { scripts } }, ...(inspect ? { inspect: timed(name, inspect) } : {}) });
  const v: Variant = { name, runner };
  if (setup.feed) v.feed = timed(name, setup.feed);
  if (setup.reset) v.reset = setup.reset;
  return v;
}

async function runOnce(v: Variant): Promise<void> {
  const stream = v.runner.stream({ ...TEAM_RUN, tools: [fastLookup] });
  if (v.feed) for (const name of EVENT_NAMES) stream.on(name, v.feed as never);
  const result = await stream.result;
  if (result.status !== "completed") throw new Error(`run ended ${result.status}`);
}

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const noop = createOtelObserver();
const memory = createOtelObserver({ tracer: provider.getTracer("baton") });
const memoryInspected = createOtelObserver({ tracer: provider.getTracer("baton") });
const file = createTraceRecorder("/dev/null");

const variants: Variant[] = [
  variant("plain stream"),
  variant("otel, no SDK (no-op)", { feed: noop.onEvent }),
  variant("otel, in-memory exporter", { feed: memory.onEvent, reset: () => exporter.reset() }),
  variant("otel + inspect, in-memory", {
    feed: memoryInspected.onEvent,
    inspect: memoryInspected.onInspect,
    reset: () => exporter.reset(),
  }),
  variant("trace file (summary)", { feed: file.onEvent, inspect: file.onInspect }),
];

for (const v of variants) for (let i = 0; i < 30; i++) await runOnce(v); // warm-up: JIT and idle teams
exporter.reset();
inside.clear();

const perRun = new Map<string, number[]>(variants.map((v) => [v.name, []]));
for (let round = 0; round < ROUNDS; round++) {
  const order = variants.map((_, i) => variants[(i + round) % variants.length]!);
  for (const v of order) {
    v.reset?.();
    const start = performance.now();
    for (let i = 0; i < RUNS_PER_ROUND; i++) await runOnce(v);
    perRun.get(v.name)!.push(((performance.now() - start) / RUNS_PER_ROUND) * 1000);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const base = perRun.get("plain stream")!;
console.log(
  `${ROUNDS} rounds × ${RUNS_PER_ROUND} runs per variant; µs per run (median), and the median paired difference to the plain stream`,
);
for (const v of variants) {
  const xs = perRun.get(v.name)!;
  const diffs = xs.map((x, i) => x - base[i]!);
  const direct = ((inside.get(v.name) ?? 0) / (ROUNDS * RUNS_PER_ROUND)) * 1000;
  const diff = v === variants[0] ? "" : `${median(diffs) >= 0 ? "+" : ""}${median(diffs).toFixed(0)} µs`;
  console.log(
    `${v.name.padEnd(28)} ${median(xs).toFixed(0).padStart(7)} µs ${diff.padStart(10)}   inside the observer: ${direct.toFixed(0)} µs`,
  );
}
exporter.reset();
await runOnce(variants[3]!);
console.log(`spans per traced run: ${exporter.getFinishedSpans().length}`);
await Promise.all(variants.map((v) => v.runner.close()));
await file.close();

// The observers alone, replaying one recorded run's events and messages many times: their
// direct cost without the run around it (steadier than end-to-end times on a busy machine).
const recordedFeed: Array<{ event: RunEvent } | { inspection: InspectionEvent }> = [];
const recording = new Runner({ providers: { sim: { scripts } }, inspect: (inspection) => void recordedFeed.push({ inspection }) });
const recorded = recording.stream({ ...TEAM_RUN, tools: [fastLookup] });
for (const name of EVENT_NAMES) recorded.on(name, ((event: RunEvent) => void recordedFeed.push({ event })) as never);
await recorded.result;
await recording.close();
const replayed = [
  ["otel, no SDK (no-op)", createOtelObserver(), false],
  ["otel, in-memory exporter", createOtelObserver({ tracer: provider.getTracer("baton") }), false],
  ["otel + inspect, in-memory", createOtelObserver({ tracer: provider.getTracer("baton") }), true],
] as const;
const eventCount = recordedFeed.filter((f) => "event" in f).length;
console.log(`replaying one run (${eventCount} events, ${recordedFeed.length - eventCount} inspection events) into the observer alone:`);
for (const [name, observer, inspect] of replayed) {
  const replay = () => {
    for (const item of recordedFeed) {
      if ("event" in item) observer.onEvent(item.event);
      else if (inspect) observer.onInspect(item.inspection);
    }
  };
  for (let i = 0; i < 500; i++) replay();
  exporter.reset();
  const start = performance.now();
  const n = 2000;
  for (let i = 0; i < n; i++) {
    replay();
    if (i % 200 === 0) exporter.reset();
  }
  console.log(`${name.padEnd(28)} ${(((performance.now() - start) / n) * 1000).toFixed(1).padStart(7)} µs per run`);
}
