/**
 * The report of `npm run bench -- --build <label>=<dir>`: this checkout's baton against other
 * checkouts on the same work, interleaved in fresh processes. Besides the two tables, each
 * repetition pairs this checkout with each build (same repetition, neighbouring processes), so a
 * slow moment of the machine moves both sides of a ratio.
 */
import { execFileSync } from "node:child_process";
import { spread } from "./measure.js";
import { latencyTable, scenarioTable } from "./report.js";
import { type BenchResults, METRICS, metricValue } from "./results.js";
import { builds, labelOf } from "./scenarios/index.js";
import type { ImplementationKey } from "./scenarios/types.js";

const fmt = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

/** A checkout's commit, and whether its tracked files differ from it. */
function commitOf(dir: string): string {
  try {
    const head = execFileSync("git", ["-C", dir, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["-C", dir, "status", "--porcelain", "--untracked-files=no"], { encoding: "utf8" }).trim();
    return dirty ? `${head} with uncommitted changes` : head;
  } catch {
    return "not a git checkout";
  }
}

/** Median (min–max) of this checkout's figure over the build's, repetition by repetition. */
function pairedCell(ours: number[], theirs: number[]): string {
  const n = Math.min(ours.length, theirs.length);
  const ratios = Array.from({ length: n }, (_, i) => ours[i]! / theirs[i]!).filter(Number.isFinite);
  if (!ratios.length) return "n/a";
  const s = spread(ratios);
  return `×${fmt(s.median, 3)}${ratios.length > 1 ? ` (${fmt(s.min, 3)}–${fmt(s.max, 3)})` : ""}`;
}

function pairedTable(results: BenchResults, key: ImplementationKey): string {
  const ours = results.scenario.baton ?? [];
  const theirs = results.scenario[key] ?? [];
  const slow = results.latency.baton ?? [];
  const slowTheirs = results.latency[key] ?? [];
  const rows = METRICS.filter((m) => m.key !== "heapPer1kKB").map(
    (m) =>
      `| ${m.label} at 0 ms | ${m.better} | ${pairedCell(
        ours.map((f) => metricValue(f, m.key)),
        theirs.map((f) => metricValue(f, m.key)),
      )} |`,
  );
  const ms = results.counts.latency.ms;
  rows.push(
    `| sequential median at ${ms} ms | lower | ${pairedCell(
      slow.map((f) => f.seqMedianMs),
      slowTheirs.map((f) => f.seqMedianMs),
    )} |`,
    `| throughput at ${ms} ms | higher | ${pairedCell(
      slow.map((f) => f.throughputRps),
      slowTheirs.map((f) => f.throughputRps),
    )} |`,
  );
  const heap = (figures: typeof ours) => spread(figures.map((f) => metricValue(f, "heapPer1kKB"))).median;
  return [
    `### This checkout over ${labelOf(key)}`,
    "",
    "| figure | better | this checkout ÷ build, median of repetitions (min–max) |",
    "|---|---|---:|",
    ...rows,
    "",
    `Heap growth per 1,000 runs (a difference, not a ratio: it can be near zero): ${fmt(heap(ours), 0)} KB here, ${fmt(heap(theirs), 0)} KB in the build.`,
  ].join("\n");
}

export function renderComparison(results: BenchResults): string {
  const c = results.counts;
  const here = commitOf(process.cwd());
  const others = Object.entries(builds());
  return [
    `# baton, paired against other builds — ${results.date}${results.quick ? " (quick)" : ""}`,
    "",
    `Machine: ${results.machine}`,
    "",
    `This checkout (b): ${here}. ${others.map(([label, dir]) => `${labelOf(`build:${label}`)}: ${dir} at ${commitOf(dir)}.`).join(" ")}`,
    "",
    "The main scenario (bench/scenario.ts) at 0 ms per model call, each implementation in a fresh process, interleaved and " +
      `rotated, repeated ${c.reps}× (${c.warmup} warm-up runs, ${c.sequential} sequential, ${c.concurrency}×${c.perLoop} in flight); ` +
      `then at ${c.latency.ms} ms, repeated ${c.latency.reps}×. Cells: median (min–max) ×ratio to (a).`,
    "",
    scenarioTable(results),
    "",
    `## At ${c.latency.ms} ms per model call`,
    "",
    latencyTable(results),
    "",
    "## Paired, repetition by repetition",
    "",
    ...others.flatMap(([label]) => [pairedTable(results, `build:${label}`), ""]),
    ...(results.failures.length ? ["## Could not measure", "", ...results.failures.map((f) => `- ${f}`), ""] : []),
    `Total time: ${results.durationS.toFixed(0)} s.`,
    "",
  ].join("\n");
}
