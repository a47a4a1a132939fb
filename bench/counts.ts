/** How much work each measurement does: the full run and `--quick`. */
export interface Counts {
  /** Interleaved repetitions of every implementation (a fresh process each). */
  reps: number;
  warmup: number;
  /** Sequential runs timed for latency and CPU. */
  sequential: number;
  /** Streamed runs timed for the first text delta. */
  streamed: number;
  /** Runs in flight at once for throughput, and how many each of those loops runs. */
  concurrency: number;
  perLoop: number;
  /** Half the runs of the heap figure: twice this many, in four windows with a full GC after each. */
  heapRuns: number;
  /** Tool calls timed per repetition, directly and through baton. */
  mcpCalls: number;
  transcriptLengths: number[];
  transcriptRuns: number;
  /** Idle long-lived teams. */
  teams: number[];
  /** The latency figures: every model call answered after `ms` (a fresh process per implementation, like the scenario). */
  latency: LatencyCounts;
}

export interface LatencyCounts {
  ms: number;
  /** Interleaved repetitions of every implementation (a fresh process each). */
  reps: number;
  warmup: number;
  sequential: number;
  concurrency: number;
  perLoop: number;
}

export const FULL: Counts = {
  reps: 3,
  // JIT warm-up is slow on small machines: latency keeps falling for the first few hundred runs.
  warmup: 300,
  sequential: 200,
  streamed: 50,
  concurrency: 100,
  perLoop: 5,
  heapRuns: 1000,
  mcpCalls: 200,
  transcriptLengths: [10, 100, 1000],
  transcriptRuns: 50,
  teams: [1_000, 10_000],
  // A run takes 3 × 50 ms here: 50 sequential runs are 7.5 s, the throughput loops about 1 s.
  latency: { ms: 50, reps: 3, warmup: 20, sequential: 50, concurrency: 100, perLoop: 5 },
};

export const QUICK: Counts = {
  reps: 3,
  warmup: 3,
  sequential: 10,
  streamed: 3,
  concurrency: 100,
  perLoop: 1,
  heapRuns: 20,
  mcpCalls: 10,
  transcriptLengths: [10, 100, 1000],
  transcriptRuns: 3,
  teams: [1_000, 10_000],
  // One repetition: --quick shows that it works, and each repetition is four more processes.
  latency: { ms: 50, reps: 1, warmup: 2, sequential: 5, concurrency: 100, perLoop: 1 },
};
