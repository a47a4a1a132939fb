/** `baton sim team.json --seeds n`: progress on stderr, the summary table on stdout, replay by seed. */
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) }, env: {} },
    out: () => out.join(""),
    err: () => err.join(""),
  };
}

describe("baton sim", () => {
  it("runs the team file's agents under faults: a progress bar, then a summary table; exit 0", async () => {
    const t = io();
    expect(await main(["sim", "examples/team.json", "--seeds", "60"], t.io)).toBe(0);
    expect(t.err()).toContain("[##############################] 60/60 seeds, 0 failed");
    expect(t.out()).toMatch(/^seeds\s+60$/m);
    expect(t.out()).toMatch(/^passed\s+60$/m);
    expect(t.out()).toMatch(/^failed\s+0$/m);
    expect(t.out()).toMatch(/^ended completed\s+\d+$/m);
    expect(t.out()).toMatch(/^fault providerError\s+\d+$/m);
    expect(t.out()).toMatch(/^simulated time\s+[\d.]+ h$/m);
  });

  it("replays seeds given as a list, as JSON, the same every time", async () => {
    const a = io();
    const b = io();
    expect(await main(["sim", "examples/team.json", "--seeds", "7,42", "--json"], a.io)).toBe(0);
    expect(await main(["sim", "examples/team.json", "--seeds", "7,42", "--json"], b.io)).toBe(0);
    const report = JSON.parse(a.out());
    expect(report.seeds).toBe(2);
    expect(report.failures).toEqual([]);
    expect(b.out()).toBe(a.out());
  });

  it("bad usage exits 2 with a message", async () => {
    const t = io();
    expect(await main(["sim"], t.io)).toBe(2);
    expect(t.err()).toContain("Give a team file");
    const u = io();
    expect(await main(["sim", "examples/team.json", "--faults", "{nope"], u.io)).toBe(2);
    expect(u.err()).toContain("--faults must be JSON");
    const h = io();
    expect(await main(["sim", "--help"], h.io)).toBe(0);
    expect(h.out()).toContain("baton sim <team.json>");
  });
});
