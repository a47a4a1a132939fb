import { describe, expect, it } from "vitest";
import type { SimRequest, SimScript } from "../../src/sim/index.js";
import { findTranscriptProblems } from "../../src/transcript/index.js";
import { simRunners } from "../support/simRunner.js";

const simRunner = simRunners();

describe("delegation (ask_<id>)", () => {
  it("several ask_* calls in one message run in parallel and come back as tool results", async () => {
    const lead: SimScript = (req: SimRequest) =>
      req.callIndex === 0
        ? {
            delegate: [
              { to: "sim/b", task: "summarise part 1" },
              { to: "sim/c", task: "summarise part 2" },
            ],
          }
        : {
            text: `Combined: ${req.messages
              .filter((m) => m.role === "tool")
              .map((m) => m.content)
              .join(" + ")}`,
          };
    // Each delegate answers only once both have been called: in parallel they both finish; in
    // sequence the first would wait for the second, and (after 5 s, not to hang) say so.
    const started = new Set<string>();
    let bothStarted!: () => void;
    const together = new Promise<void>((resolve) => {
      bothStarted = resolve;
    });
    const delegate = (name: string) => async (req: SimRequest) => {
      started.add(name);
      if (started.size === 2) bothStarted();
      const alone = await Promise.race([together.then(() => false), new Promise<boolean>((r) => setTimeout(r, 5_000, true).unref())]);
      return { text: alone ? `${name} ran alone` : `${name.toUpperCase()} did "${req.messages[0]!.content}"` };
    };
    const r = simRunner({ a: lead, b: delegate("b"), c: delegate("c") });
    const result = await r.run({ input: "summarise both parts", model: ["sim/a", "sim/b", "sim/c"], handoffs: "delegate" });
    expect(result.finalOutput).toBe('Combined: B did "summarise part 1" + C did "summarise part 2"');
    expect(result.lastModel).toBe("sim/a");
    expect(result.handoffs).toEqual([]);
    // Their steps count toward maxSteps and their usage is reported.
    expect(result.stepsUsed).toBe(4);
    expect(Object.keys(result.usage.byModel).sort()).toEqual(["sim/a", "sim/b", "sim/c"]);
    // The delegates' own turns are not in the caller's transcript; the answers are.
    expect(result.messages.map((m) => m.role)).toEqual(["user", "assistant", "tool", "tool", "assistant"]);
    expect(findTranscriptProblems(result.messages)).toEqual([]);
  });

  it("a delegate works from its own context: it sees only the subtask, and no handoff tools", async () => {
    let seen: SimRequest | undefined;
    const r = simRunner({
      a: (req) => (req.callIndex === 0 ? { delegate: [{ to: "sim/b", task: "what is 2+2?" }] } : { text: "done" }),
      b: (req) => ((seen = req), { text: "4" }),
    });
    await r.run({ input: "secret context the delegate must not see", model: ["sim/a", "sim/b"], handoffs: "both" });
    expect(seen!.messages).toEqual([{ role: "user", content: "what is 2+2?" }]);
    expect(seen!.tools).toEqual([]);
    expect(seen!.system).toContain("sim/a asked you for this subtask");
  });

  it("handoffs: both offers transfer and ask tools; the default offers only transfer", async () => {
    const offered: string[][] = [];
    const r = simRunner({ a: (req) => (offered.push(req.tools.map((t) => t.name)), { text: "ok" }) });
    await r.run({ input: "x", model: ["sim/a", "sim/b"], handoffs: "both" });
    await r.run({ input: "x", model: ["sim/a", "sim/b"] });
    expect(offered).toEqual([["transfer_to_sim_b", "ask_sim_b"], ["transfer_to_sim_b"]]);
  });

  it("delegate steps count toward maxSteps", async () => {
    const r = simRunner({
      a: () => ({ delegate: [{ to: "sim/b", task: "again" }] }),
      b: () => ({ text: "sub answer" }),
    });
    const result = await r.run({ input: "x", model: ["sim/a", "sim/b"], handoffs: "delegate", maxSteps: 5 });
    expect(result.status).toBe("max_steps");
    expect(result.stepsUsed).toBe(5);
    expect(findTranscriptProblems(result.messages)).toEqual([]);
  });

  it("a failing delegate comes back as an error result and the caller goes on", async () => {
    const r = simRunner(
      {
        a: (req: SimRequest) => (req.callIndex === 0 ? { delegate: [{ to: "sim/b", task: "t" }] } : { text: "went on" }),
        b: () => ({ fault: { status: 400, message: "bad request" } }),
      },
      { retry: { maxRetries: 0 } },
    );
    const result = await r.run({ input: "x", model: ["sim/a", "sim/b"], handoffs: "delegate" });
    expect(result.finalOutput).toBe("went on");
    expect(result.toolResults[0]).toMatchObject({ name: "ask_sim_b", isError: true, result: expect.stringContaining("bad request") });
  });
});
