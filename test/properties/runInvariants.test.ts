/**
 * Property: whatever the team, scripts, policy, tools, faults and abort times, every run keeps
 * the invariants of invariants.ts (usage adds up, steps and terminal events pair up, cancellation
 * settles within 150 ms, the transcript is valid with unique tool call ids, nothing is left
 * running after runner.close()). Real timers, sim models in-process, 1–20 runs at once.
 *
 * Seeded: FC_SEED (default below) and FC_RUNS replay or widen a search; FC_PATH replays one
 * counterexample (fast-check prints seed and path on failure); FC_SHRINK=0 skips shrinking.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scenarioSpec } from "./arbitraries.js";
import { runScenario } from "./harness.js";
import { scenarioViolations } from "./invariants.js";

const SEED = Number(process.env.FC_SEED ?? 20_261_202);
const RUNS = Number(process.env.FC_RUNS ?? 80);
/** The whole property, shrinking included, stays under the CI budget of 60 s. */
const TIME_LIMIT_MS = 40_000;

describe("run invariants over random scenarios", () => {
  it(`hold for ${RUNS} scenarios (seed ${SEED})`, { timeout: TIME_LIMIT_MS + 15_000 }, async () => {
    const property = fc.asyncProperty(scenarioSpec, async (scenario) => {
      const violations = scenarioViolations(await runScenario(scenario));
      if (violations.length) throw new Error(`${violations.length} invariant(s) broken:\n- ${violations.slice(0, 20).join("\n- ")}`);
    });
    const details = await fc.check(property, {
      seed: SEED,
      numRuns: RUNS,
      ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}),
      endOnFailure: process.env.FC_SHRINK === "0",
      interruptAfterTimeLimit: TIME_LIMIT_MS,
      markInterruptAsFailure: false,
    });
    if (details.failed) {
      const broken = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
      const replay = `FC_SEED=${details.seed} FC_PATH=${details.counterexamplePath ?? ""}`;
      throw new Error(`${broken}\n\nReplay: ${replay} npx vitest run test/properties\n\n${fc.defaultReportMessage(details)}`);
    }
    expect(details.numRuns, "scenarios run before the time limit").toBeGreaterThan(0);
  });
});
