/**
 * The per-implementation figures, measured in one process that loads only that implementation:
 * sequential latency and CPU, heap growth, first text delta, throughput, peak RSS.
 */
import type { Counts } from "./counts.js";
import { closedLoop, fullGc, hasGc, median, p95, repeat, timeEach } from "./measure.js";
import { EXPECTED_ANSWER } from "./scenario.js";
import type { Implementation } from "./scenarios/types.js";

export interface Figures {
  name: string;
  /** The answer of the first run, and whether every checked run gave the expected one. */
  answer: string;
  correct: boolean;
  setupMs: number;
  seqMedianMs: number;
  seqP95Ms: number;
  /** Client CPU (user + system) per sequential run. */
  cpuMsPerRun: number;
  /** Bytes of heap left behind per 1,000 runs (NaN without --expose-gc). */
  heapPer1kBytes: number;
  /** Median time from the call to the first text delta (NaN when not streamed). */
  firstDeltaMs: number;
  /** Completed runs per second with `concurrency` in flight. */
  throughputRps: number;
  peakRssBytes: number;
  errors: string[];
}

export type MeasureCounts = Pick<Counts, "warmup" | "sequential" | "streamed" | "concurrency" | "perLoop" | "heapRuns">;

/** Records (up to five) runs whose answer is not the expected one. */
function checked(errors: string[], phase: string): (answer: string) => void {
  return (answer) => {
    if (answer !== EXPECTED_ANSWER && errors.length < 5) errors.push(`${phase}: unexpected answer ${JSON.stringify(answer.slice(0, 120))}`);
  };
}

export async function measureImplementation(impl: Implementation, counts: MeasureCounts, setupMs = 0): Promise<Figures> {
  const errors: string[] = [];
  const runChecked = async (phase: string) => checked(errors, phase)(await impl.runOnce());

  const answer = await impl.runOnce();
  checked(errors, "first run")(answer);

  await repeat(counts.warmup, () => runChecked("warm-up"));
  if (impl.stream) await repeat(Math.min(counts.warmup, 50), () => impl.stream!());

  const cpuBefore = process.cpuUsage();
  const times = await timeEach(counts.sequential, () => runChecked("sequential"));
  const cpu = process.cpuUsage(cpuBefore);

  let heapPer1kBytes = Number.NaN;
  if (hasGc()) {
    // Twice heapRuns runs in four windows, a full GC between them; the median window's growth.
    // JIT code and connection pools grow the heap in one-time steps that land in any one window;
    // what stays behind per run grows every window.
    const window = Math.max(1, Math.round(counts.heapRuns / 2));
    const growth: number[] = [];
    await fullGc();
    let before = process.memoryUsage().heapUsed;
    for (let w = 0; w < 4; w++) {
      await repeat(window, () => impl.runOnce());
      await fullGc();
      const after = process.memoryUsage().heapUsed;
      growth.push(after - before);
      before = after;
    }
    heapPer1kBytes = (median(growth) * 1000) / window;
  }

  let firstDeltaMs = Number.NaN;
  if (impl.stream) {
    const deltas: number[] = [];
    const check = checked(errors, "streamed");
    await repeat(counts.streamed, async () => {
      const outcome = await impl.stream!();
      check(outcome.answer);
      deltas.push(outcome.firstDeltaMs);
    });
    firstDeltaMs = median(deltas);
  }

  let throughputRps = Number.NaN;
  try {
    await closedLoop(counts.concurrency, 1, () => impl.runOnce()); // opens the sockets
    const wallMs = await closedLoop(counts.concurrency, counts.perLoop, () => runChecked("concurrent"));
    throughputRps = (counts.concurrency * counts.perLoop * 1000) / wallMs;
  } catch (error) {
    errors.push(`throughput: ${error instanceof Error ? error.message : String(error)}`);
  }

  return {
    name: impl.name,
    answer,
    correct: errors.length === 0,
    setupMs,
    seqMedianMs: median(times),
    seqP95Ms: p95(times),
    cpuMsPerRun: (cpu.user + cpu.system) / 1000 / counts.sequential,
    heapPer1kBytes,
    firstDeltaMs,
    throughputRps,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    errors,
  };
}
