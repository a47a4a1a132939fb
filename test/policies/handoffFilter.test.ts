import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool, type HandoffFilter, type Message, policies, Runner } from "../../src/index.js";
import type { SimScript } from "../../src/sim/index.js";
import { findTranscriptProblems } from "../../src/transcript/index.js";

let runner: Runner | undefined;
afterEach(async () => {
  await runner?.close();
  runner = undefined;
});

const ping = defineTool({ name: "ping", description: "ping", parameters: z.object({}), execute: () => "pong" });

async function receiverSees(filter?: HandoffFilter): Promise<{ seen: readonly Message[]; stored: readonly Message[] }> {
  let seen: readonly Message[] = [];
  const scripts: Record<string, SimScript> = {
    a: [{ text: "looking", toolCalls: [{ name: "ping" }] }, { toolCalls: [{ name: "ping" }] }, { text: "over to b", handoff: "sim/b" }],
    b: (req) => ((seen = req.messages), { text: "b answers" }),
  };
  runner = new Runner({ providers: { sim: { scripts } } });
  const result = await runner.run({
    input: "question",
    model: ["sim/a", "sim/b"],
    tools: [ping],
    ...(filter ? { handoffFilter: filter } : {}),
  });
  return { seen, stored: result.messages };
}

describe("handoff filters", () => {
  it("keepAll (the default) shows the receiver everything", async () => {
    const { seen } = await receiverSees();
    expect(seen).toHaveLength(7);
    const kept = await receiverSees(policies.keepAll);
    expect(kept.seen).toEqual(seen);
  });

  it("dropToolCalls keeps what was said, not the tool traffic, and stays valid", async () => {
    const { seen, stored } = await receiverSees(policies.dropToolCalls);
    expect(seen).toEqual([
      { role: "user", content: "question" },
      { role: "assistant", content: "looking", meta: { model: "sim/a" } },
      { role: "assistant", content: "over to b", meta: { model: "sim/a" } },
    ]);
    expect(findTranscriptProblems(seen)).toEqual([]);
    // The run's own transcript keeps everything.
    expect(stored.length).toBeGreaterThan(seen.length);
  });

  it("lastN(n) keeps the last turns, starting with a user message at a turn boundary", async () => {
    const { seen } = await receiverSees(policies.lastN(3));
    expect(seen[0]).toEqual({ role: "user", content: "(Earlier conversation omitted.)" });
    expect(seen.slice(1).map((m) => m.role)).toEqual(["assistant", "tool"]);
    expect(findTranscriptProblems(seen)).toEqual([]);
  });

  it("a custom filter that breaks the transcript is repaired before the receiver sees it", async () => {
    const { seen } = await receiverSees((transcript) => transcript.filter((m) => m.role !== "tool"));
    expect(findTranscriptProblems(seen)).toEqual([]);
    expect(seen.filter((m) => m.role === "tool").every((m) => m.role === "tool" && m.isError)).toBe(true);
  });

  it("a filter that throws fails the run with POLICY_ERROR and the partial result", async () => {
    const error = await receiverSees(() => {
      throw new Error("filter bug");
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "POLICY_ERROR", message: expect.stringContaining("filter bug") });
    expect((error as { partial: { handoffs: unknown[] } }).partial.handoffs).toHaveLength(1);
  });
});
