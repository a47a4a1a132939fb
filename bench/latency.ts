/**
 * The scenario against a provider that takes `ms` per model call (3 calls a run): sequential
 * latency and throughput as a user with a real model would see them. At 0 ms every figure is
 * client overhead; here the same overhead sits on top of 150 ms of waiting.
 */
import type { LatencyCounts } from "./counts.js";
import { closedLoop, median, p95, repeat, timeEach } from "./measure.js";
import { EXPECTED_ANSWER } from "./scenario.js";
import type { Implementation } from "./scenarios/types.js";

export interface LatencyFigures {
  name: string;
  /** The provider's delay per model call. */
  latencyMs: number;
  seqMedianMs: number;
  seqP95Ms: number;
  /** Completed runs per second with `concurrency` in flight. */
  throughputRps: number;
  correct: boolean;
  errors: string[];
}

export async function measureAtLatency(impl: Implementation, counts: LatencyCounts): Promise<LatencyFigures> {
  const errors: string[] = [];
  const run = async (phase: string) => {
    const answer = await impl.runOnce();
    if (answer !== EXPECTED_ANSWER && errors.length < 5) errors.push(`${phase}: unexpected answer ${JSON.stringify(answer.slice(0, 120))}`);
  };
  await repeat(counts.warmup, () => run("warm-up"));
  const times = await timeEach(counts.sequential, () => run("sequential"));
  let throughputRps = Number.NaN;
  try {
    await closedLoop(counts.concurrency, 1, () => impl.runOnce()); // opens the sockets
    const wallMs = await closedLoop(counts.concurrency, counts.perLoop, () => run("concurrent"));
    throughputRps = (counts.concurrency * counts.perLoop * 1000) / wallMs;
  } catch (error) {
    errors.push(`throughput: ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    name: impl.name,
    latencyMs: counts.ms,
    seqMedianMs: median(times),
    seqP95Ms: p95(times),
    throughputRps,
    correct: errors.length === 0,
    errors,
  };
}
