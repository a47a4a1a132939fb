/** Everything one benchmark run measured, as the report and the targets read it. */
import type { Counts } from "./counts.js";
import type { DurableFigures } from "./durable.js";
import type { Figures } from "./figures.js";
import type { LatencyFigures } from "./latency.js";
import type { McpFigures } from "./mcp.js";
import type { MessageFigures } from "./messages.js";
import type { ReuseFigures } from "./reuse.js";
import type { TeamFigures, TranscriptFigures } from "./scale.js";
import type { ImplementationKey } from "./scenarios/types.js";

export interface BenchResults {
  date: string;
  machine: string;
  quick: boolean;
  counts: Counts;
  /** One entry per repetition that completed. */
  scenario: Partial<Record<ImplementationKey, Figures[]>>;
  /** The scenario at `counts.latency.ms` per model call; one entry per repetition. */
  latency: Partial<Record<ImplementationKey, LatencyFigures[]>>;
  /** baton's actor messages per run (bench/messages.ts has the counting rule). */
  messages?: MessageFigures;
  /** Why an implementation (or another part) could not be measured. */
  failures: string[];
  transcript: TranscriptFigures[];
  mcp?: McpFigures;
  /** Checkpoint cost and store overhead (bench/durable.ts). */
  durable?: DurableFigures;
  /** Idle-team reuse against a new team per run (bench/reuse.ts). */
  reuse?: ReuseFigures;
  teams: TeamFigures[];
  durationS: number;
}

export const METRICS = [
  { key: "seqMedianMs", label: "sequential median (ms)", better: "lower", digits: 2 },
  { key: "seqP95Ms", label: "sequential p95 (ms)", better: "lower", digits: 2 },
  { key: "throughputRps", label: "throughput, 100 in flight (runs/s)", better: "higher", digits: 0 },
  { key: "cpuMsPerRun", label: "client CPU per run (ms)", better: "lower", digits: 2 },
  { key: "peakRssMB", label: "peak RSS (MB)", better: "lower", digits: 0 },
  { key: "heapPer1kKB", label: "heap growth per 1,000 runs (KB)", better: "lower", digits: 0 },
  { key: "firstDeltaMs", label: "first text delta (ms)", better: "lower", digits: 2 },
] as const;

export type MetricKey = (typeof METRICS)[number]["key"];

/** A figure in the report's units. */
export function metricValue(figures: Figures, key: MetricKey): number {
  switch (key) {
    case "peakRssMB":
      return figures.peakRssBytes / 1024 ** 2;
    case "heapPer1kKB":
      return figures.heapPer1kBytes / 1024;
    default:
      return figures[key];
  }
}
