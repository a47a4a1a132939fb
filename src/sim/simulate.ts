/**
 * `simulate()` (baton/sim): runs a team under many seeds, each with its own fault schedule on
 * virtual time, checks the invariants on every run, and shrinks each failure to the smallest
 * schedule that still fails. A seed replays byte for byte.
 */
import { BatonError } from "./../errors.js";
import { runSeed } from "./runSeed.js";
import type { FaultSchedule } from "./simulate/faults.js";
import { BUILTIN_INVARIANTS, firstViolation } from "./simulate/invariants.js";
import { replayCall, shrinkSchedule } from "./simulate/shrink.js";
import type { SimFailure, SimInvariant, SimReport, SimRun, SimulateOptions } from "./simulate/types.js";
import { startWire, type Wire } from "./wire.js";

const DEFAULT_SEEDS = 100;

function seedList(seeds: SimulateOptions["seeds"]): number[] {
  if (seeds === undefined) return Array.from({ length: DEFAULT_SEEDS }, (_, i) => i + 1);
  if (typeof seeds === "number") {
    if (!Number.isInteger(seeds) || seeds < 1)
      throw new BatonError("INVALID_OPTIONS", `seeds must be a positive integer or a list of seeds; got ${seeds}.`);
    return Array.from({ length: seeds }, (_, i) => i + 1);
  }
  if (!Array.isArray(seeds) || !seeds.every((s) => Number.isInteger(s))) {
    throw new BatonError("INVALID_OPTIONS", "seeds must be a positive integer or a list of integer seeds.");
  }
  return [...seeds];
}

function checkOptions(options: SimulateOptions): void {
  if (typeof options !== "object" || options === null) throw new BatonError("INVALID_OPTIONS", "simulate takes an options object.");
  if (typeof options.scripts !== "object" || options.scripts === null) {
    throw new BatonError("INVALID_OPTIONS", 'simulate needs scripts by model name: scripts: { researcher: [{ text: "…" }] }.');
  }
  if (options.team === undefined && options.model === undefined) {
    throw new BatonError("INVALID_OPTIONS", "simulate needs a team: team: { agents: [...] } or team: { model: [...] }.");
  }
  for (const [key, value] of Object.entries(options.faults ?? {})) {
    if (key === "latencyMs") {
      const range = value as unknown;
      if (!Array.isArray(range) || range.length !== 2 || !(range[0] >= 0 && range[1] >= range[0])) {
        throw new BatonError("INVALID_OPTIONS", "faults.latencyMs must be a range [min, max] in ms, 0 ≤ min ≤ max.");
      }
    } else if (typeof value !== "number" || !(value >= 0 && value <= 1)) {
      throw new BatonError("INVALID_OPTIONS", `faults.${key} must be a probability from 0 to 1; got ${String(value)}.`);
    }
  }
}

export async function simulate(options: SimulateOptions): Promise<SimReport> {
  checkOptions(options);
  const seeds = seedList(options.seeds);
  const invariants: SimInvariant[] = [...BUILTIN_INVARIANTS, ...(options.invariants ?? [])];
  const report: SimReport = { seeds: 0, passed: 0, failures: [], outcomes: {}, faults: {}, virtualMs: 0 };
  const wire = options.wire ? await startWire() : undefined;
  try {
    await runSeeds(options, seeds, invariants, report, wire);
  } finally {
    await wire?.close();
  }
  return report;
}

async function runSeeds(
  options: SimulateOptions,
  seeds: number[],
  invariants: SimInvariant[],
  report: SimReport,
  wire: Wire | undefined,
): Promise<void> {
  for (const [i, seed] of seeds.entries()) {
    const run = await runSeed(options, seed, options.schedule, wire);
    report.seeds++;
    report.outcomes[run.outcome] = (report.outcomes[run.outcome] ?? 0) + 1;
    for (const fault of run.faults) if (fault.kind !== "latency") report.faults[fault.kind] = (report.faults[fault.kind] ?? 0) + 1;
    report.virtualMs += run.virtualMs;
    const violation = firstViolation(run, invariants);
    if (!violation) report.passed++;
    else report.failures.push(await shrunk(options, run, violation, invariants, wire));
    options.onSeed?.({ seed, done: i + 1, total: seeds.length, failed: report.failures.length, outcome: run.outcome, run });
    if (options.maxFailures !== undefined && report.failures.length >= options.maxFailures) break;
  }
}

/** The failure with its schedule shrunk: the smallest one found that fails the same invariant. */
async function shrunk(
  options: SimulateOptions,
  run: SimRun,
  violation: { invariant: string; message: string },
  invariants: readonly SimInvariant[],
  wire: Wire | undefined,
): Promise<SimFailure> {
  let last = { run, violation };
  let schedule: FaultSchedule = run.faults;
  if (options.shrink !== false && run.faults.length > 0) {
    schedule = await shrinkSchedule(run.faults, async (candidate) => {
      const again = await runSeed(options, run.seed, candidate, wire);
      const found = firstViolation(again, invariants);
      if (found?.invariant !== violation.invariant) return false;
      last = { run: again, violation: found };
      return true;
    });
    if (last.run.faults !== schedule) {
      const again = await runSeed(options, run.seed, schedule, wire);
      const found = firstViolation(again, invariants);
      if (found?.invariant === violation.invariant) last = { run: again, violation: found };
    }
  }
  return {
    seed: run.seed,
    invariant: last.violation.invariant,
    message: last.violation.message,
    events: last.run.events,
    schedule,
    originalSchedule: run.faults,
    replay: replayCall(run.seed, schedule),
    outcome: last.run.outcome,
  };
}
