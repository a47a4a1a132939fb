/**
 * `npm run bench -- --build <label>=<dir> --in-process`: this checkout's baton and the other
 * builds loaded into one process, against one sim server, measured in alternating blocks (the
 * order rotates each block), so a slow moment of the machine falls on every build alike. Between
 * processes this VM moves figures by ±15%; in one process the paired ratios hold to a few percent.
 * Each build keeps its own module graph (its own src/), and shares the dependencies.
 */
import { labelOf, loadFactory } from "./scenarios/index.js";
import type { Endpoints, Implementation, ImplementationKey } from "./scenarios/types.js";

export interface InProcessCounts {
  warmup: number;
  blocks: number;
  /** Sequential runs per block. */
  perBlock: number;
  /** Runs in flight per concurrent block. */
  concurrency: number;
  /** Streamed runs per block (the first text delta's median). */
  streamed: number;
}

/** 24 blocks: every order of up to four builds once (4! = 24), of three four times, of two twelve times. */
export const IN_PROCESS_FULL: InProcessCounts = { warmup: 400, blocks: 24, perBlock: 100, concurrency: 100, streamed: 50 };
export const IN_PROCESS_QUICK: InProcessCounts = { warmup: 5, blocks: 2, perBlock: 5, concurrency: 10, streamed: 3 };

type Series = Record<"seqMs" | "seqCpuMs" | "concMs" | "concCpuMs" | "firstDeltaMs", number[]>;

function permutations(items: number[]): number[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** CPU (user + system) and wall time of `fn`, per run. */
async function timed(runs: number, fn: () => Promise<unknown>): Promise<{ wallMs: number; cpuMs: number }> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(cpu);
  return { wallMs: (performance.now() - started) / runs, cpuMs: (used.user + used.system) / 1000 / runs };
}

async function block(impl: Implementation, counts: InProcessCounts, into: Series): Promise<void> {
  const seq = await timed(counts.perBlock, async () => {
    for (let i = 0; i < counts.perBlock; i++) await impl.runOnce();
  });
  into.seqMs.push(seq.wallMs);
  into.seqCpuMs.push(seq.cpuMs);
  const conc = await timed(counts.concurrency, () => Promise.all(Array.from({ length: counts.concurrency }, () => impl.runOnce())));
  into.concMs.push(conc.wallMs);
  into.concCpuMs.push(conc.cpuMs);
  if (impl.stream) {
    const deltas: number[] = [];
    for (let i = 0; i < counts.streamed; i++) deltas.push((await impl.stream()).firstDeltaMs);
    into.firstDeltaMs.push(median(deltas));
  }
}

const FIGURES: Array<{ key: keyof Series; label: string }> = [
  { key: "seqMs", label: "sequential, wall per run (ms)" },
  { key: "seqCpuMs", label: "sequential, CPU per run (ms)" },
  { key: "concMs", label: "N in flight, wall per run (ms)" },
  { key: "concCpuMs", label: "N in flight, CPU per run (ms)" },
  { key: "firstDeltaMs", label: "first text delta, median (ms)" },
];

/** Measures `keys` (this checkout's "baton" first) and returns the report section. */
export async function measureInProcess(
  keys: ImplementationKey[],
  endpoints: Endpoints,
  counts: InProcessCounts,
  log: (line: string) => void,
): Promise<string> {
  const impls: Implementation[] = [];
  for (const key of keys) impls.push(await (await loadFactory(key))(endpoints));
  try {
    const series: Series[] = keys.map(() => ({ seqMs: [], seqCpuMs: [], concMs: [], concCpuMs: [], firstDeltaMs: [] }));
    for (const impl of impls) for (let i = 0; i < counts.warmup; i++) await impl.runOnce();
    // Every order of the builds in turn: each build runs before each other one as often as after
    // it (a rotation alone would not give that for three builds), since a block leaves garbage
    // and warm caches to the next.
    const orders = permutations(impls.map((_, i) => i));
    for (let b = 0; b < counts.blocks; b++) {
      for (const i of orders[b % orders.length]!) await block(impls[i]!, counts, series[i]!);
      if ((b + 1) % 5 === 0 || b + 1 === counts.blocks) log(`  block ${b + 1}/${counts.blocks}`);
    }
    const header = `| figure | ${keys.map((k) => labelOf(k)).join(" | ")} |`;
    const rule = `|---|${keys.map(() => "---:").join("|")}|`;
    const rows = FIGURES.map(({ key, label }) => {
      const base = series[0]![key];
      const cells = series.map((s, i) => {
        const value = median(s[key]).toFixed(3);
        if (i === 0) return value;
        // Ratio per block against this checkout's same block, then the median: paired.
        const ratios = s[key].map((v, b) => base[b]! / v);
        return `${value} (first ×${median(ratios).toFixed(3)})`;
      });
      return `| ${label.replace("N", String(counts.concurrency))} | ${cells.join(" | ")} |`;
    });
    return [
      `In one process, ${counts.blocks} blocks per build, the builds in every order in turn (${counts.perBlock} sequential runs, ${counts.concurrency} in flight, ` +
        `${counts.streamed} streamed) after ${counts.warmup} warm-up runs each; cells are medians over blocks, and "first ×" is ` +
        "the median over blocks of the first column's figure divided by the build's in the same block (above 1: the build is faster).",
      "",
      header,
      rule,
      ...rows,
    ].join("\n");
  } finally {
    for (const impl of impls) await impl.close();
  }
}
