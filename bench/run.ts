/**
 * `npm run bench` (`-- --quick` for tiny counts): baton against the raw SDKs and the peer
 * frameworks on the same work, with the provider server in its own process — at 0 ms per model
 * call (client overhead) and at 50 ms (what a user sees) — plus baton's actor messages per run.
 * Prints the report and, in a full run, writes bench/results/<date>.md (and .json).
 *
 * Options: --quick, --out <file.md>, --no-write, --only <raw,baton,openaiAgents,langgraph>,
 * --durable (only the durable-runs section: checkpoint cost and store overhead, printed),
 * --reuse (only idle-team reuse against a new team per run, printed),
 * --build <label>=<dir> (repeatable: baton from another checkout beside this one, paired; only the
 * scenario at 0 ms and at 50 ms is measured, and the report gives each build's ratio per repetition),
 * --in-process (with --build: every build in this one process instead, alternating blocks; bench/inProcess.ts).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { renderComparison } from "./compare.js";
import { type Counts, FULL, QUICK } from "./counts.js";
import { durableSection, measureDurable } from "./durable.js";
import { IN_PROCESS_FULL, IN_PROCESS_QUICK, measureInProcess } from "./inProcess.js";
import { machineLine } from "./machine.js";
import { renderReport } from "./report.js";
import type { BenchResults } from "./results.js";
import { measureReuse, reuseSection } from "./reuse.js";
import { addBuilds, IMPLEMENTATIONS, isBuild, labelOf } from "./scenarios/index.js";
import type { Endpoints, ImplementationKey } from "./scenarios/types.js";
import { startSimServerProcess } from "./simServer.js";
import { runTask } from "./workers.js";

interface Args {
  quick: boolean;
  out: string | undefined;
  write: boolean;
  only: ImplementationKey[];
  /** Only the durable-runs section (checkpoint cost, store overhead). */
  durable: boolean;
  /** Only the idle-team reuse comparison. */
  reuse: boolean;
  /** `label=dir` of other baton checkouts to measure beside this one. */
  builds: string[];
  /** With builds: one process, alternating blocks, instead of a fresh process per repetition. */
  inProcess: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    quick: false,
    out: undefined,
    write: true,
    only: [...IMPLEMENTATIONS],
    durable: false,
    reuse: false,
    builds: [],
    inProcess: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--quick") args.quick = true;
    else if (arg === "--no-write") args.write = false;
    else if (arg === "--durable") args.durable = true;
    else if (arg === "--reuse") args.reuse = true;
    else if (arg === "--out") args.out = argv[++i];
    else if (arg === "--build") args.builds.push(argv[++i] ?? "");
    else if (arg === "--in-process") args.inProcess = true;
    else if (arg === "--only")
      args.only = (argv[++i] ?? "").split(",").filter((k): k is ImplementationKey => IMPLEMENTATIONS.includes(k as ImplementationKey));
    else
      throw new Error(
        `Unknown option ${arg}. Options: --quick, --durable, --reuse, --build <label>=<dir>, --in-process, --out <file.md>, --no-write, --only <${IMPLEMENTATIONS.join(",")}>`,
      );
  }
  if (args.inProcess && !args.builds.length) throw new Error("--in-process compares builds: give at least one --build <label>=<dir>");
  if (args.builds.length) {
    const added = addBuilds(args.builds);
    // Each build right after this checkout's baton, so the paired runs are neighbours.
    const at = args.only.includes("baton") ? args.only.indexOf("baton") + 1 : args.only.length;
    args.only.splice(at, 0, ...added);
  }
  return args;
}

const log = (line: string) => process.stderr.write(`${line}\n`);
/** A figure for the progress lines: n/a when it could not be measured. */
const num = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");
const errorText = (error: unknown) => (error instanceof Error ? error.message.split("\n")[0]! : String(error));

async function scenario(results: BenchResults, endpoints: Endpoints, counts: Counts, only: ImplementationKey[]): Promise<void> {
  const broken = new Set<ImplementationKey>();
  for (let rep = 0; rep < counts.reps; rep++) {
    // Interleaved, and rotated each repetition so no implementation always runs first.
    const order = only.map((_, i) => only[(i + rep) % only.length]!);
    for (const impl of order) {
      if (broken.has(impl)) continue;
      try {
        const result = await runTask({ kind: "scenario", impl, endpoints, counts });
        if (result.kind !== "scenario") continue;
        const f = result.figures;
        results.scenario[impl] = [...(results.scenario[impl] ?? []), f];
        if (!f.correct) results.failures.push(`${labelOf(impl)}, repetition ${rep + 1}: ${f.errors[0]}`);
        log(
          `  [${rep + 1}/${counts.reps}] ${labelOf(impl).padEnd(26)} seq ${num(f.seqMedianMs, 2)} ms, ${num(f.throughputRps, 0)} runs/s, ` +
            `cpu ${num(f.cpuMsPerRun, 2)} ms/run, first delta ${num(f.firstDeltaMs, 2)} ms${f.correct ? "" : `, WRONG: ${f.errors[0]}`}`,
        );
      } catch (error) {
        broken.add(impl);
        results.failures.push(`${labelOf(impl)}: ${errorText(error)}`);
        log(`  ${labelOf(impl)} failed: ${errorText(error)}`);
      }
    }
  }
}

async function latencyScenario(results: BenchResults, endpoints: Endpoints, counts: Counts, only: ImplementationKey[]): Promise<void> {
  const broken = new Set<ImplementationKey>();
  for (let rep = 0; rep < counts.latency.reps; rep++) {
    const order = only.map((_, i) => only[(i + rep) % only.length]!);
    for (const impl of order) {
      if (broken.has(impl)) continue;
      try {
        const result = await runTask({ kind: "latency", impl, endpoints, counts });
        if (result.kind !== "latency") continue;
        const f = result.figures;
        results.latency[impl] = [...(results.latency[impl] ?? []), f];
        if (!f.correct) results.failures.push(`${labelOf(impl)} at ${counts.latency.ms} ms, repetition ${rep + 1}: ${f.errors[0]}`);
        log(
          `  [${rep + 1}/${counts.latency.reps}] ${labelOf(impl).padEnd(26)} seq ${num(f.seqMedianMs, 1)} ms, ${num(f.throughputRps, 0)} runs/s` +
            (f.correct ? "" : `, WRONG: ${f.errors[0]}`),
        );
      } catch (error) {
        broken.add(impl);
        results.failures.push(`${labelOf(impl)} at ${counts.latency.ms} ms: ${errorText(error)}`);
        log(`  ${labelOf(impl)} failed: ${errorText(error)}`);
      }
    }
  }
}

async function main(): Promise<void> {
  if (process.argv.includes("--redis")) return (await import("./redis.js")).redisBench(process.argv.slice(2));
  const args = parseArgs(process.argv.slice(2));
  const counts = args.quick ? QUICK : FULL;
  const started = performance.now();
  const results: BenchResults = {
    date: new Date().toISOString().slice(0, 10),
    machine: machineLine(),
    quick: args.quick,
    counts,
    scenario: {},
    latency: {},
    failures: [],
    transcript: [],
    teams: [],
    durationS: 0,
  };
  log(`Machine: ${results.machine}`);
  const server = await startSimServerProcess();
  log(`Sim server (pid ${server.pid}) at ${server.url}`);
  const endpoints: Endpoints = { openaiBaseURL: server.openaiBaseURL, anthropicBaseURL: server.anthropicBaseURL };
  if (args.reuse) {
    try {
      log("Idle-team reuse:");
      process.stdout.write(`\n${reuseSection(await measureReuse(endpoints, args.quick, log))}\n`);
    } finally {
      await server.close();
    }
    return;
  }
  if (args.durable) {
    try {
      log("Durable runs:");
      process.stdout.write(`\n${durableSection(await measureDurable(endpoints, args.quick, log))}\n`);
    } finally {
      await server.close();
    }
    return;
  }
  if (args.inProcess) {
    try {
      log("Builds in one process:");
      const keys = args.only.filter((k) => k === "baton" || isBuild(k));
      const section = await measureInProcess(keys, endpoints, args.quick ? IN_PROCESS_QUICK : IN_PROCESS_FULL, log);
      process.stdout.write(`\n${section}\n`);
    } finally {
      await server.close();
    }
    return;
  }
  if (args.builds.length) return compareBuilds(args, results, endpoints, counts, server, started);
  try {
    log("Scenario research → write:");
    await scenario(results, endpoints, counts, args.only);
    log("Transcript length:");
    for (const impl of args.only.filter((k) => k === "raw" || k === "baton")) {
      try {
        const result = await runTask({ kind: "transcript", impl, endpoints, counts });
        if (result.kind === "transcript") {
          results.transcript.push(result.figures);
          log(`  ${labelOf(impl)}: ${result.figures.points.map((p) => `${p.messages} → ${num(p.medianMs, 2)} ms`).join(", ")}`);
        }
      } catch (error) {
        results.failures.push(`transcript length, ${labelOf(impl)}: ${errorText(error)}`);
      }
    }
    if (args.only.includes("baton")) {
      log("Durable runs:");
      try {
        results.durable = await measureDurable(endpoints, args.quick, log);
      } catch (error) {
        results.failures.push(`durable runs: ${errorText(error)}`);
      }
      log("Idle-team reuse:");
      try {
        results.reuse = await measureReuse(endpoints, args.quick, log);
      } catch (error) {
        results.failures.push(`idle-team reuse: ${errorText(error)}`);
      }
      log("Actor messages per run (baton):");
      try {
        const result = await runTask({ kind: "messages", endpoints });
        if (result.kind === "messages") {
          results.messages = result.figures;
          const r = result.figures.repeatRun;
          log(`  ${r.actorToActor} actor → actor, ${r.withoutSource} without a source, ${r.total} in all`);
          if (!result.figures.correct) results.failures.push(`actor messages: ${result.figures.errors.join("; ")}`);
        }
      } catch (error) {
        results.failures.push(`actor messages: ${errorText(error)}`);
      }
    }
  } finally {
    await server.close();
  }
  const slow = await startSimServerProcess({ latencyMs: counts.latency.ms });
  log(`Scenario at ${counts.latency.ms} ms per model call (sim server pid ${slow.pid}):`);
  try {
    await latencyScenario(results, { openaiBaseURL: slow.openaiBaseURL, anthropicBaseURL: slow.anthropicBaseURL }, counts, args.only);
  } finally {
    await slow.close();
  }
  log("MCP:");
  try {
    const result = await runTask({ kind: "mcp", counts });
    if (result.kind === "mcp") {
      results.mcp = result.figures;
      log(`  direct ${num(result.figures.direct.callMedianMs, 3)} ms, baton ${num(result.figures.baton.callMedianMs, 3)} ms per call`);
      if (result.figures.errors.length) results.failures.push(`MCP: ${result.figures.errors.join("; ")}`);
    }
  } catch (error) {
    results.failures.push(`MCP: ${errorText(error)}`);
  }
  log("Idle teams:");
  for (const count of counts.teams) {
    try {
      const result = await runTask({ kind: "teams", count });
      if (result.kind === "teams") {
        results.teams.push(result.figures);
        log(`  ${count} teams: ${num(result.figures.rssBytes / 1024 ** 2, 0)} MB RSS`);
      }
    } catch (error) {
      results.failures.push(`${count} idle teams: ${errorText(error)}`);
    }
  }
  results.durationS = (performance.now() - started) / 1000;

  const report = renderReport(results);
  process.stdout.write(`\n${report}`);
  const out = args.out ?? (args.quick ? undefined : fileURLToPath(new URL(`./results/${results.date}.md`, import.meta.url)));
  if (out && args.write) {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, report);
    writeFileSync(out.replace(/\.md$/, ".json"), `${JSON.stringify(results, null, 2)}\n`);
    log(`\nWrote ${out}`);
  }
}

/** --build: the scenario at 0 ms and at the latency setting only, then the comparison report. */
async function compareBuilds(
  args: Args,
  results: BenchResults,
  endpoints: Endpoints,
  counts: Counts,
  server: { close(): Promise<void> },
  started: number,
): Promise<void> {
  try {
    log("Scenario research → write:");
    await scenario(results, endpoints, counts, args.only);
  } finally {
    await server.close();
  }
  const slow = await startSimServerProcess({ latencyMs: counts.latency.ms });
  log(`Scenario at ${counts.latency.ms} ms per model call (sim server pid ${slow.pid}):`);
  try {
    await latencyScenario(results, { openaiBaseURL: slow.openaiBaseURL, anthropicBaseURL: slow.anthropicBaseURL }, counts, args.only);
  } finally {
    await slow.close();
  }
  results.durationS = (performance.now() - started) / 1000;
  const report = renderComparison(results);
  process.stdout.write(`\n${report}`);
  if (args.out && args.write) {
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, report);
    writeFileSync(args.out.replace(/\.md$/, ".json"), `${JSON.stringify(results, null, 2)}\n`);
    log(`\nWrote ${args.out}`);
  }
}

await main();
