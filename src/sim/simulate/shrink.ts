/**
 * Shrinking a failing fault schedule: the smallest schedule (fewest entries, then shortest
 * latencies) that still fails the same invariant. Delta debugging: drop halves, then quarters, …
 * then single entries (also with the later points moved back), then shorten what is left. Deterministic, and bounded by `budget` runs.
 */
import type { FaultSchedule, ScheduledFault } from "./faults.js";

export async function shrinkSchedule(
  schedule: FaultSchedule,
  stillFails: (candidate: FaultSchedule) => Promise<boolean>,
  budget = 200,
): Promise<FaultSchedule> {
  let current: ScheduledFault[] = [...schedule];
  let tries = 0;
  const attempt = async (candidate: ScheduledFault[]): Promise<boolean> => {
    if (tries >= budget) return false;
    tries++;
    if (!(await stillFails(candidate))) return false;
    current = candidate;
    return true;
  };
  // Drop chunks, from halves down to single entries.
  for (let size = Math.max(1, Math.floor(current.length / 2)); size >= 1; size = size === 1 ? 0 : Math.max(1, Math.floor(size / 2))) {
    let start = 0;
    while (start < current.length && tries < budget) {
      const candidate = [...current.slice(0, start), ...current.slice(start + size)];
      if (!(await attempt(candidate))) start += size;
    }
  }
  // Drop single faults again, the later points moved one back: a fault that caused a retry
  // shifted every later decision point by one.
  for (let i = 0; i < current.length && tries < budget; ) {
    const point = current[i]!.point;
    const candidate = current
      .filter((_, j) => j !== i)
      .map((entry) => (entry.point > point ? { ...entry, point: entry.point - 1 } : entry));
    if (!(await attempt(candidate))) i++;
  }
  // Shorten latencies and Retry-Afters that remain.
  for (let i = 0; i < current.length && tries < budget; i++) {
    let ms = current[i]!.ms;
    while (ms !== undefined && ms > 1 && tries < budget) {
      const shorter = Math.floor(ms / 2);
      const candidate = current.map((entry, j) => (j === i ? { ...entry, ms: shorter } : entry));
      if (!(await attempt(candidate))) break;
      ms = shorter;
    }
  }
  return current;
}

/** `simulate({ ...options, seeds: [17], schedule: [...] })`: the call that replays one failure. */
export function replayCall(seed: number, schedule: FaultSchedule): string {
  return `simulate({ ...options, seeds: [${seed}], schedule: ${JSON.stringify(schedule)} })`;
}
