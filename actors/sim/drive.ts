import { setTimeout as realSleep } from "node:timers/promises";
import type { VirtualClock } from "./virtualClock.js";

export interface DriveLimits {
  /** Simulated time after which a run that has not settled counts as hung. */
  maxVirtualMs: number;
  /** Real time a run may wait on real I/O (wire mode, MCP processes) before it counts as hung. */
  maxRealMs: number;
  /**
   * With nothing left to run and no timer set, how long to wait in real time for I/O the driver
   * cannot see (a module loading, a process starting) before calling it a hang. 0 in-process.
   */
  idleGraceMs: number;
}

export type DriveOutcome<T> =
  | { settled: true; ok: true; value: T }
  | { settled: true; ok: false; error: unknown }
  | { settled: false; reason: string };

/**
 * Runs `work` to its end on virtual time. Simulated time moves only when nothing else can
 * happen: every microtask and immediate has run and no real I/O is in flight (`busy()`), so the
 * order of events depends on the seed alone. With nothing left to do and no timer set, the
 * work can never finish: a hang.
 */
export async function drive<T>(work: Promise<T>, clock: VirtualClock, busy: () => boolean, limits: DriveLimits): Promise<DriveOutcome<T>> {
  let outcome: DriveOutcome<T> | undefined;
  work.then(
    (value) => {
      outcome = { settled: true, ok: true, value };
    },
    (error: unknown) => {
      outcome = { settled: true, ok: false, error };
    },
  );
  const start = clock.now();
  let realWaited = 0;
  for (;;) {
    await quiesce();
    if (outcome) return outcome;
    if (busy()) {
      if (realWaited >= limits.maxRealMs) return { settled: false, reason: `still waiting on real I/O after ${limits.maxRealMs} ms` };
      await realSleep(1);
      realWaited += 1;
      continue;
    }
    if (clock.now() - start > limits.maxVirtualMs) {
      return { settled: false, reason: `not settled after ${limits.maxVirtualMs} ms of simulated time` };
    }
    if (clock.fireNext()) continue;
    if (realWaited < limits.idleGraceMs) {
      await realSleep(1);
      realWaited += 1;
      continue;
    }
    return { settled: false, reason: "nothing left to run and no timer set" };
  }
}

/** Lets every queued microtask and nextTick run, and the immediates queued before this one. */
function quiesce(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
