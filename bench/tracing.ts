/**
 * What tracing costs per run of the bench's main scenario (`npm run bench:tracing`; ROUNDS and
 * RUNS set the counts): baton's implementation of the scenario (two models over the real SDKs,
 * a tool call, a handoff) against the sim server in its own process at 0 ms per model call, so
 * the figures are client overhead. Variants, each on its own Runner:
 *
 *   no SDK              nothing registered: the Runner's OTel observer sees only no-op spans
 *   in-memory exporter  an SDK with the in-memory exporter: every span recorded
 *   + captureContent    the same, with `trace: { captureContent: true }` (prompts and answers in spans)
 *   trace file          `trace: "<tmp>/run.jsonl"`, no SDK
 *
 * The SDK is registered once; a switch makes its tracer the API's own no-op tracer (what a
 * process without an SDK gets) for the variants without one. Variants run in rotating order
 * within each round; the report is the median per run, of this process's CPU time (user +
 * system: baton's own work, the server being another process; steadier than wall time on a busy
 * machine) and of wall time, with the median paired difference to "no SDK" in the same round.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ProxyTracerProvider, type Tracer, type TracerProvider, trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { TraceOption } from "../src/index.js";
import { machineLine } from "./machine.js";
import { EXPECTED_ANSWER } from "./scenario.js";
import { createBaton } from "./scenarios/baton.js";
import type { Implementation } from "./scenarios/types.js";
import { startSimServerProcess } from "./simServer.js";

const ROUNDS = Number(process.env.ROUNDS ?? 12);
const RUNS = Number(process.env.RUNS ?? 25);
const WARMUP = Number(process.env.WARMUP ?? 40);

/** A provider that hands out the SDK's tracer while `on`, else the API's no-op tracer. */
class SwitchedProvider implements TracerProvider {
  on = false;
  readonly #noop = new ProxyTracerProvider(); // no delegate: the API's no-op tracer
  constructor(readonly sdk: BasicTracerProvider) {}
  getTracer(name: string, version?: string): Tracer {
    const real = this.sdk.getTracer(name, version);
    const noop = this.#noop.getTracer(name, version);
    const pick = () => (this.on ? real : noop);
    return {
      startSpan: (...args) => pick().startSpan(...args),
      startActiveSpan: ((...args: Parameters<Tracer["startActiveSpan"]>) =>
        (pick().startActiveSpan as (...a: unknown[]) => unknown)(...args)) as Tracer["startActiveSpan"],
    };
  }
}

interface Variant {
  name: string;
  sdk: boolean;
  impl: Implementation;
}

const exporter = new InMemorySpanExporter();
const provider = new SwitchedProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
trace.setGlobalTracerProvider(provider);

const dir = mkdtempSync(path.join(tmpdir(), "baton-bench-trace-"));
const server = await startSimServerProcess();
const variant = async (name: string, sdk: boolean, traceOption?: TraceOption): Promise<Variant> => ({
  name,
  sdk,
  impl: await createBaton(server, traceOption ? { trace: traceOption } : {}),
});

try {
  const variants = [
    await variant("no SDK", false),
    await variant("in-memory exporter", true),
    await variant("+ captureContent", true, { captureContent: true }),
    await variant("trace file", false, path.join(dir, "run.jsonl")),
  ];
  const runBatch = async (v: Variant, runs: number) => {
    provider.on = v.sdk;
    for (let i = 0; i < runs; i++) {
      const answer = await v.impl.runOnce();
      if (answer !== EXPECTED_ANSWER) throw new Error(`${v.name}: unexpected answer ${JSON.stringify(answer)}`);
    }
    exporter.reset();
  };
  for (const v of variants) await runBatch(v, WARMUP); // JIT, idle teams, connections

  provider.on = true;
  await variants[1]!.impl.runOnce();
  const spansPerRun = exporter.getFinishedSpans().length;
  exporter.reset();

  const perRun = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const cpuPerRun = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = variants.map((_, i) => variants[(i + round) % variants.length]!);
    for (const v of order) {
      const start = performance.now();
      const cpu = process.cpuUsage();
      await runBatch(v, RUNS);
      perRun.get(v.name)!.push(((performance.now() - start) / RUNS) * 1000);
      const used = process.cpuUsage(cpu);
      cpuPerRun.get(v.name)!.push((used.user + used.system) / RUNS);
    }
  }

  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const cell = (series: Map<string, number[]>, v: Variant) => {
    const xs = series.get(v.name)!;
    const base = series.get("no SDK")!;
    if (v === variants[0]) return median(xs).toFixed(0);
    const diff = median(xs.map((x, i) => x - base[i]!));
    return `${median(xs).toFixed(0)}, ${diff >= 0 ? "+" : ""}${diff.toFixed(0)} (${((diff / median(base)) * 100).toFixed(1)} %)`;
  };
  console.log(`# Tracing overhead, bench main scenario (runner.run, sim server at 0 ms)\n\n${machineLine()}`);
  console.log(`${ROUNDS} rounds × ${RUNS} runs per variant, rotating order; ${spansPerRun} spans per traced run.\n`);
  console.log("| variant | CPU µs per run, paired difference to no SDK | wall µs per run, paired difference |");
  console.log("|---|---:|---:|");
  for (const v of variants) console.log(`| ${v.name} | ${cell(cpuPerRun, v)} | ${cell(perRun, v)} |`);
  await Promise.all(variants.map((v) => v.impl.close()));
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  trace.disable();
}
