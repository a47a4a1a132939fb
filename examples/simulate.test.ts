import { describe, expect, it } from "vitest";
import { simulate } from "../src/sim/index.js";
import { citesFacts, options, runSimulateExample } from "./simulate.js";

describe("examples/simulate.ts", () => {
  it("finds the seeds where the writer wrote without facts, each shrunk to the failed lookup, and replays them", async () => {
    const lines: string[] = [];
    const report = await runSimulateExample((line) => lines.push(line));
    expect(report.failures.length).toBeGreaterThan(0);
    expect(lines[0]).toMatch(/^\d+ seeds, \d+ passed, [\d.]+ h of simulated time$/);
    for (const failure of report.failures) {
      expect(failure.invariant).toBe("citesFacts");
      expect(failure.message).toContain("does not cite the facts");
      // The one fault that matters: the lookup threw (or hung past its timeout).
      expect(failure.schedule).toHaveLength(1);
      expect(["toolThrow", "toolTimeout"]).toContain(failure.schedule[0]!.kind);
      expect(lines).toContain(`  replay: ${failure.replay}`);
      const again = await simulate({ ...options, seeds: [failure.seed], schedule: failure.schedule, invariants: [citesFacts] });
      expect(again.failures.map((f) => f.message)).toEqual([failure.message]);
    }
  }, 30_000);
});
