/** The built-in invariants fail on runs that break them (runs edited from a real one). */
import { describe, expect, it } from "vitest";
import { BUILTIN_INVARIANTS, type RunEvent, type SimRun, simulate } from "../../src/sim/index.js";
import { firstViolation } from "../../src/sim/simulate/invariants.js";

async function aRun(): Promise<SimRun> {
  const runs: SimRun[] = [];
  await simulate({
    team: { model: ["sim/a", "sim/b"] },
    scripts: { a: [{ text: "passing on", handoff: "sim/b" }], b: [{ text: "done" }] },
    input: "go",
    seeds: [1],
    onSeed: ({ run }) => runs.push(run),
  });
  return runs[0]!;
}

const violation = (run: SimRun) => firstViolation(run, BUILTIN_INVARIANTS);

describe("built-in invariants", () => {
  it("hold on a plain run", async () => {
    expect(violation(await aRun())).toBeUndefined();
  });

  it("each fails on the run that breaks it", async () => {
    const run = await aRun();
    const last = run.events.at(-1) as RunEvent;
    const result = run.result!;
    const cases: Array<[string, SimRun]> = [
      ["settles exactly once", { ...run, events: [...run.events, last] }],
      ["settles exactly once", { ...run, settled: 2 }],
      ["settles exactly once", { ...run, outcome: "failed" }],
      ["never hangs", { ...run, outcome: "hung" }],
      [
        "transcript valid for every provider",
        { ...run, requests: [{ ...run.requests[0]!, messages: [{ role: "tool", toolCallId: "x", name: "t", content: "?" }] }] },
      ],
      ["usage adds up", { ...run, result: { ...result, usage: { ...result.usage, inputTokens: result.usage.inputTokens + 1 } } }],
      ["limits hold", { ...run, team: { ...run.team, maxSteps: 1 } }],
      ["nothing left running", { ...run, leaks: { ...run.leaks, timers: 1 } }],
      ["nothing left running", { ...run, leaks: { ...run.leaks, signalListeners: 1 } }],
      ["no unhandled rejection", { ...run, unhandledRejections: ["boom"] }],
      ["completed steps kept", { ...run, result: { ...result, steps: result.steps.slice(1), stepsUsed: 1 } }],
    ];
    for (const [name, broken] of cases) {
      const only = BUILTIN_INVARIANTS.filter((i) => typeof i !== "function" && i.name === name);
      expect(only, name).toHaveLength(1);
      expect(firstViolation(run, only), name).toBeUndefined();
      expect(firstViolation(broken, only)?.invariant, name).toBe(name);
    }
  });
});
