/**
 * Failing seeds the simulator found in baton, each kept as a test (issue 20). The seed replays
 * the scenario of test/sim/scenarios.ts; the scripted case next to it shows the bug by hand.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool, policies } from "../../src/index.js";
import { type SimRun, simulate } from "../../src/sim/index.js";
import { delegation, policed } from "./scenarios.js";

const lookup = defineTool({
  name: "lookup",
  description: "Look up facts",
  parameters: z.object({ topic: z.string() }),
  execute: ({ topic }) => `facts about ${topic}`,
});

describe("regressions found by simulation", () => {
  // A handoff filter hid the sender's tool calls from the receiver, whose model then reused one
  // of their ids (sequential ids, as some OpenAI-compatible servers send): the team's transcript
  // (result.messages, and what a later agent sees) held the id twice. Fixed: the TASK names the
  // hidden ids and the receiver's calls avoid them.
  it("policies seed 9: a handoff filter that drops tool calls does not let the receiver reuse their ids", async () => {
    const report = await simulate({ ...policed, seeds: [9], schedule: [] });
    expect(report.failures).toEqual([]);
  });

  it("delegation seed 126: the same, behind a malformed tool call, with lastN", async () => {
    const report = await simulate({ ...delegation, seeds: [126], schedule: [{ point: 0, kind: "malformedToolArgs" }] });
    expect(report.failures).toEqual([]);
  });

  it("scripted: sequential ids from two models across a dropToolCalls handoff stay unique", async () => {
    const runs: SimRun[] = [];
    const report = await simulate({
      team: { model: ["sim/a", "sim/b"], tools: [lookup], handoffFilter: policies.dropToolCalls },
      scripts: {
        a: [{ toolCalls: [{ name: "lookup", args: { topic: "x" }, id: "call_1" }] }, { handoff: "sim/b" }],
        b: [{ toolCalls: [{ name: "lookup", args: { topic: "y" }, id: "call_1" }] }, { text: "done" }],
      },
      input: "go",
      seeds: [1],
      onSeed: ({ run }) => runs.push(run),
    });
    expect(report.failures).toEqual([]);
    const ids = runs[0]!.result!.messages.flatMap((m) => (m.role === "assistant" ? (m.toolCalls ?? []).map((c) => c.id) : []));
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
  });
});
