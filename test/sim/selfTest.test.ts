/**
 * baton under its own simulator (issue 20): 2,000 seeds over handoff chains, delegation,
 * policies and approvals with resume, every fault on, every built-in invariant checked. A
 * failure prints its seed and the call that replays it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { simulate } from "../../src/sim/index.js";
import { crashingMcp, SCENARIOS } from "./scenarios.js";

const SEEDS: Record<string, number> = {
  "handoff chain": 500,
  delegation: 500,
  policies: 500,
  "approvals and resume": 500,
};

describe("baton under simulation", () => {
  it("holds every invariant over 2,000 seeds", async () => {
    const failures: string[] = [];
    let total = 0;
    for (const scenario of SCENARIOS) {
      const seeds = SEEDS[scenario.name]!;
      const seen = new Map<string, number>();
      const count = (key: string) => seen.set(key, (seen.get(key) ?? 0) + 1);
      const report = await simulate({
        ...scenario.options,
        seeds,
        invariants: scenario.invariants ?? [],
        maxFailures: 3,
        onSeed: ({ run }) => {
          for (const e of run.events) count(e.type === "tool.called" && e.name.startsWith("ask_") ? "delegation" : e.type);
        },
      });
      total += report.seeds;
      for (const f of report.failures) failures.push(`${scenario.name}: seed ${f.seed}: ${f.invariant}: ${f.message}\n  ${f.replay}`);
      // Every scenario really ran under faults and ended more than one way.
      expect(Object.keys(report.faults).length, scenario.name).toBeGreaterThanOrEqual(5);
      expect(Object.keys(report.outcomes).length, scenario.name).toBeGreaterThanOrEqual(3);
      // …and did what it is about.
      const about = { "handoff chain": "handoff", delegation: "delegation", policies: "handoff", "approvals and resume": "run.resumed" };
      expect(seen.get(about[scenario.name as keyof typeof about]) ?? 0, scenario.name).toBeGreaterThan(10);
    }
    expect(failures).toEqual([]);
    expect(total).toBeGreaterThanOrEqual(2000);
  }, 60_000);

  // Real server processes (about a second each to start): few seeds, each killing the server
  // with probability 0.3 per call; the run must still settle once, its process must be gone after close.
  const dir = mkdtempSync(path.join(tmpdir(), "baton-sim-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("holds every invariant with an MCP server that crashes", async () => {
    const report = await simulate({ ...crashingMcp(path.join(dir, "memory.json")), seeds: 8, maxFailures: 1 });
    expect(report.failures.map((f) => `seed ${f.seed}: ${f.invariant}: ${f.message}\n  ${f.replay}`)).toEqual([]);
    expect(report.faults.mcpCrash).toBeGreaterThan(0);
  }, 60_000);
});
