import { afterEach, describe, expect, it } from "vitest";
import { type RunEvent, Runner, type TeamSnapshot } from "../src/index.js";
import type { SimRequest } from "../src/sim/index.js";

const runners: Runner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.close()));
});

function echoRunner(): Runner {
  const r = new Runner({
    providers: {
      sim: {
        scripts: {
          a: (req: SimRequest) => ({ text: `a heard ${req.messages.filter((m) => m.role === "user").length} user messages` }),
          b: () => ({ text: "b here" }),
        },
      },
      openai: { apiKey: "sk-secret-never-in-snapshots" },
    },
  });
  runners.push(r);
  return r;
}

describe("long-lived teams", () => {
  it("keeps the conversation across runs and emits each run's events", async () => {
    const team = echoRunner().team({ model: ["sim/a", "sim/b"] });
    const events: RunEvent[] = [];
    team.subscribe((e) => events.push(e));
    const first = await team.run("one");
    const second = await team.run("two");
    expect(first.finalOutput).toBe("a heard 1 user messages");
    expect(second.finalOutput).toBe("a heard 2 user messages");
    expect(second.messages).toHaveLength(4);
    expect(events.filter((e) => e.type === "run.finished").map((e) => e.runId)).toEqual([first.runId, second.runId]);
    expect(first.runId).not.toBe(second.runId);
  });

  it("queues runs called at once, in order", async () => {
    const team = echoRunner().team({ model: "sim/a" });
    const [x, y, z] = await Promise.all([team.run("1"), team.run("2"), team.run("3")]);
    expect([x.finalOutput, y.finalOutput, z.finalOutput]).toEqual([
      "a heard 1 user messages",
      "a heard 2 user messages",
      "a heard 3 user messages",
    ]);
  });

  it("snapshot() is versioned JSON without secrets, and from: snapshot continues the conversation", async () => {
    const runner = echoRunner();
    const team = runner.team({ model: ["sim/a", "sim/b", "openai/gpt-4o-mini"] });
    await team.run("one");
    await team.run("two");
    const snapshot = team.snapshot();
    const json = JSON.stringify(snapshot);
    expect(json).not.toContain("sk-secret");
    expect(snapshot).toMatchObject({
      version: 2,
      teamId: team.id,
      agents: [
        { name: "sim/a", model: "sim/a" },
        { name: "sim/b", model: "sim/b" },
        { name: "openai/gpt-4o-mini", model: "openai/gpt-4o-mini" },
      ],
      active: "sim/a",
      runs: 2,
      stepsUsed: 2,
      handoffs: 0,
    });
    expect(snapshot.transcript).toHaveLength(4);
    expect(snapshot.usage.byModel["sim/a"]!.calls).toBe(2);
    await team.stop();

    const restored: TeamSnapshot = JSON.parse(json);
    const again = echoRunner().team({ model: ["sim/a", "sim/b", "openai/gpt-4o-mini"], from: restored });
    const third = await again.run("three");
    expect(third.finalOutput).toBe("a heard 3 user messages");
    expect(again.snapshot()).toMatchObject({ runs: 3, stepsUsed: 3 });
  });

  it("a snapshot of another version is refused with a clear error", () => {
    const runner = echoRunner();
    expect(() => runner.team({ model: "sim/a", from: { version: 99, transcript: [] } as never })).toThrow(
      /Snapshot version 99 is not supported/,
    );
  });

  it("the active model is kept in the snapshot after a handoff", async () => {
    const r = new Runner({ providers: { sim: { scripts: { a: [{ handoff: "sim/b" }], b: () => ({ text: "b" }) } } } });
    runners.push(r);
    const team = r.team({ model: ["sim/a", "sim/b"] });
    await team.run("go");
    expect(team.snapshot().active).toBe("sim/b");
    const again = r.team({ model: ["sim/a", "sim/b"], from: team.snapshot() });
    const result = await again.run("more");
    expect(result.steps.map((s) => s.model)).toEqual(["sim/b"]);
  });

  it("many teams run at once on one Runner, each with its own actors", async () => {
    const runner = echoRunner();
    const teams = Array.from({ length: 20 }, () => runner.team({ model: ["sim/a", "sim/b"] }));
    const results = await Promise.all(teams.map((t, i) => t.run(`task ${i}`)));
    expect(results.every((r) => r.finalOutput === "a heard 1 user messages")).toBe(true);
    expect(new Set(teams.map((t) => t.id)).size).toBe(20);
    await Promise.all(teams.map((t) => t.stop()));
  });
});
