import { durableSection } from "./durable.js";
/** The markdown report: machine line, the scenario table at 0 ms and at 50 ms, actor messages, MCP, scale, targets. */
import { spread } from "./measure.js";
import { type BenchResults, METRICS, metricValue } from "./results.js";
import { reuseSection } from "./reuse.js";
import { labelOf, reportOrder } from "./scenarios/index.js";
import { evaluateTargets, HEAP_NOISE_FLOOR_KB, targetLabel } from "./targets.js";

const fmt = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

function cell(values: number[], digits: number, base: number | undefined): string {
  const s = spread(values);
  if (!Number.isFinite(s.median)) return "n/a";
  const range = values.length > 1 ? ` (${fmt(s.min, digits)}–${fmt(s.max, digits)})` : "";
  const ratio = base !== undefined && Number.isFinite(base) && base !== 0 ? ` ×${(s.median / base).toFixed(2)}` : "";
  return `${fmt(s.median, digits)}${range}${ratio}`;
}

/** The scenario table: one row per implementation, median (min–max) ×ratio to (a). */
export function scenarioTable(results: BenchResults): string {
  const header = `| implementation | ${METRICS.map((m) => m.label).join(" | ")} |`;
  const rule = `|---|${METRICS.map(() => "---:").join("|")}|`;
  const rawFigures = results.scenario.raw ?? [];
  const rows = reportOrder(Object.keys(results.scenario))
    .filter((key) => (results.scenario[key] ?? []).length > 0)
    .map((key) => {
      const figures = results.scenario[key]!;
      const cells = METRICS.map((metric) => {
        const values = figures.map((f) => metricValue(f, metric.key));
        // Heap growth can be negative or near zero: a ratio says nothing there.
        const base = metric.key === "heapPer1kKB" ? undefined : spread(rawFigures.map((f) => metricValue(f, metric.key))).median;
        return cell(values, metric.digits, key === "raw" ? undefined : base);
      });
      const wrong = figures.some((f) => !f.correct) ? " ⚠ wrong answers" : "";
      return `| ${labelOf(key)}${wrong} | ${cells.join(" | ")} |`;
    });
  return [header, rule, ...rows].join("\n");
}

const LATENCY_METRICS = [
  { key: "seqMedianMs", label: "sequential median (ms)", digits: 1 },
  { key: "seqP95Ms", label: "sequential p95 (ms)", digits: 1 },
  { key: "throughputRps", label: "throughput, 100 in flight (runs/s)", digits: 0 },
] as const;

/** The scenario at `counts.latency.ms` per model call: median (min–max) ×ratio to (a). */
export function latencyTable(results: BenchResults): string {
  const rawFigures = results.latency.raw ?? [];
  const rows = reportOrder(Object.keys(results.latency))
    .filter((key) => (results.latency[key] ?? []).length > 0)
    .map((key) => {
      const figures = results.latency[key]!;
      const cells = LATENCY_METRICS.map((metric) => {
        const base = spread(rawFigures.map((f) => f[metric.key])).median;
        return cell(
          figures.map((f) => f[metric.key]),
          metric.digits,
          key === "raw" ? undefined : base,
        );
      });
      const wrong = figures.some((f) => !f.correct) ? " ⚠ wrong answers" : "";
      return `| ${labelOf(key)}${wrong} | ${cells.join(" | ")} |`;
    });
  if (rows.length === 0) return "Not measured.";
  return [
    `| implementation | ${LATENCY_METRICS.map((m) => m.label).join(" | ")} |`,
    `|---|${LATENCY_METRICS.map(() => "---:").join("|")}|`,
    ...rows,
  ].join("\n");
}

function messagesSection(results: BenchResults): string {
  const m = results.messages;
  if (!m) return "Not measured.";
  const row = (label: string, c: typeof m.repeatRun) => `| ${label} | ${c.actorToActor} | ${c.withoutSource} | ${c.total} |`;
  return [
    "| baton, one `runner.run` of the scenario | actor → actor | sent without a source | all |",
    "|---|---:|---:|---:|",
    row("repeated run (the figure)", m.repeatRun),
    row("first run on a new Runner (spawns the shared actors)", m.firstRun),
    "",
    "Counted with the Runner's `inspect` option: `@xstate.event` inspection events, XState's own `xstate.*` events left out. " +
      "*actor → actor* have a source and a target actor (`sendTo`, `sendParent`, `sendBack`); *sent without a source* went " +
      "through `actorRef.send` (the public API's `RUN`, the agents' `CALL`s, and replies that effect code sends by systemId), which XState " +
      "records without a source. bench/messages.ts has the rule.",
    ...(m.correct ? [] : ["", `⚠ ${m.errors.join("; ")}`]),
    "",
    "Repeated run, in order (source → target type):",
    "",
    "```",
    ...m.repeatRun.sequence,
    "```",
  ].join("\n");
}

function mcpSection(results: BenchResults): string {
  const mcp = results.mcp;
  if (!mcp) return "MCP: not measured.";
  const d = mcp.direct;
  const b = mcp.baton;
  return [
    "| MCP `echo` over stdio (server-everything) | median (ms) | p95 (ms) |",
    "|---|---:|---:|",
    `| direct \`@modelcontextprotocol/sdk\` Client.callTool | ${fmt(d.callMedianMs, 3)} | ${fmt(d.callP95Ms, 3)} |`,
    `| baton, tool.called → tool.result as a listener sees it | ${fmt(b.callMedianMs, 3)} (×${fmt(b.callMedianMs / d.callMedianMs, 2)}) | ${fmt(b.callP95Ms, 3)} |`,
    `| baton, step record toolCalls[].ms | ${fmt(b.recordedMedianMs, 3)} | |`,
    `| baton, whole run (sim model → echo → sim model) | ${fmt(b.runMedianMs, 3)} | |`,
    "",
    `First run on a new Runner (spawns and connects the server): ${fmt(b.firstRunMs, 1)} ms (tool call ${fmt(b.firstToolMs, 2)} ms); ` +
      `second run (reuses it): ${fmt(b.secondRunMs, 1)} ms (tool call ${fmt(b.secondToolMs, 2)} ms). ` +
      `Direct client connect: ${fmt(d.connectMs, 1)} ms.`,
  ].join("\n");
}

function scaleSection(results: BenchResults): string {
  const out: string[] = [];
  if (results.teams.length) {
    out.push(
      "| idle long-lived teams (2 sim models each) | process RSS (MB) | RSS per team (KB) | heap per team (KB) | create + one run each (s) |",
    );
    out.push("|---:|---:|---:|---:|---:|");
    for (const t of results.teams) {
      out.push(
        `| ${t.teams.toLocaleString("en-US")}${t.stillWorks ? "" : " ⚠"} | ${fmt(t.rssBytes / 1024 ** 2, 0)} | ${fmt(t.rssPerTeamBytes / 1024, 1)} | ${fmt(t.heapPerTeamBytes / 1024, 1)} | ${fmt(t.setupMs / 1000, 1)} |`,
      );
    }
  }
  if (results.transcript.length) {
    if (out.length) out.push("");
    const lengths = results.transcript[0]!.points.map((p) => p.messages);
    out.push(`| earlier messages | ${results.transcript.map((t) => `${t.name} median (ms)`).join(" | ")} |`);
    out.push(`|---:|${results.transcript.map(() => "---:").join("|")}|`);
    for (const messages of lengths) {
      const cells = results.transcript.map((t) => {
        const p = t.points.find((x) => x.messages === messages);
        return p ? `${fmt(p.medianMs, 2)}${p.correct ? "" : " ⚠"}` : "n/a";
      });
      out.push(`| ${messages.toLocaleString("en-US")} | ${cells.join(" | ")} |`);
    }
  }
  return out.join("\n") || "Scale: not measured.";
}

export function targetLines(results: BenchResults): string[] {
  return evaluateTargets(results).map((t) => `${targetLabel(t.pass)}  ${t.text}`);
}

export function renderReport(results: BenchResults): string {
  const c = results.counts;
  return [
    `# baton benchmarks — ${results.date}${results.quick ? " (quick)" : ""}`,
    "",
    `Machine: ${results.machine}`,
    "",
    "Scenario: model A (`gpt-4o-mini`, OpenAI Chat Completions) calls one local tool, then hands off to model B " +
      "(`claude-sonnet-4-20250514`, Anthropic Messages), which writes the answer: 3 LLM calls. The provider is baton's sim server " +
      "in its own process on 127.0.0.1 at 0 ms latency, so these figures are client overhead. Each implementation runs in a fresh process; implementations are " +
      `interleaved and repeated ${c.reps}×; cells are the median of the repetitions (min–max) ×ratio to (a). ` +
      `Per repetition: ${c.warmup} warm-up runs, ${c.sequential} sequential runs (latency, CPU), ${c.heapRuns * 2} runs in four ` +
      `windows with a full GC after each, the median window's growth (heap), ${c.streamed} streamed runs (first delta), ${c.concurrency}×${c.perLoop} runs with ${c.concurrency} in flight (throughput).`,
    "",
    scenarioTable(results),
    "",
    `## At ${c.latency.ms} ms per model call`,
    "",
    `The same scenario with the sim server answering every model call after ${c.latency.ms} ms (${3 * c.latency.ms} ms of waiting per run), ` +
      `each implementation in a fresh process, interleaved, repeated ${c.latency.reps}×. Per repetition: ${c.latency.warmup} warm-up runs, ` +
      `${c.latency.sequential} sequential runs, ${c.latency.concurrency}×${c.latency.perLoop} runs with ${c.latency.concurrency} in flight.`,
    "",
    latencyTable(results),
    "",
    "## Actor messages per run",
    "",
    messagesSection(results),
    "",
    "## MCP",
    "",
    mcpSection(results),
    "",
    "## Durable runs",
    "",
    durableSection(results.durable),
    "",
    "## Idle-team reuse",
    "",
    reuseSection(results.reuse),
    "",
    "## Scale",
    "",
    scaleSection(results),
    "",
    "## Targets",
    "",
    "```",
    ...targetLines(results),
    "```",
    "",
    `Heap growth counts as no worse than (a) within ${HEAP_NOISE_FLOOR_KB} KB per 1,000 runs (JIT code and connection pools move the reading by about that much).`,
    ...(results.failures.length ? ["", "## Could not measure", "", ...results.failures.map((f) => `- ${f}`)] : []),
    "",
    `Total time: ${results.durationS.toFixed(0)} s.`,
    "",
  ].join("\n");
}
