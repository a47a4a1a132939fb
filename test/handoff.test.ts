import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool, type Message } from "../src/index.js";
import type { SimRequest } from "../src/sim/index.js";
import { findTranscriptProblems } from "../src/transcript/index.js";
import { simRunners } from "./support/simRunner.js";

const simRunner = simRunners();

const search = defineTool({
  name: "search",
  description: "Search the web",
  parameters: z.object({ query: z.string() }),
  execute: async ({ query }) => `3 results for ${query}`,
});

describe("handoffs", () => {
  it("research → write: the researcher uses a tool, hands off, the writer answers with the full history", async () => {
    let writerSaw: readonly Message[] = [];
    let writerSystem: string | undefined;
    const r = simRunner({
      researcher: [
        { toolCalls: [{ name: "search", args: { query: "latest launch" } }] },
        { text: "Notes: launched Tuesday.", handoff: { to: "sim/writer", reason: "needs writing", task: "Write the blog post" } },
      ],
      writer: (request) => {
        writerSaw = request.messages;
        writerSystem = request.system;
        return { text: "# The launch\nIt happened on Tuesday." };
      },
    });
    const result = await r.run({
      input: "Research the latest launch, then write a blog post",
      model: ["sim/researcher", "sim/writer"],
      tools: [search],
    });
    expect(result.status).toBe("completed");
    expect(result.finalOutput).toBe("# The launch\nIt happened on Tuesday.");
    expect(result.lastModel).toBe("sim/writer");
    expect(result.modelsUsed).toEqual(["sim/researcher", "sim/writer"]);
    expect(result.handoffs).toEqual([
      { from: "sim/researcher", to: "sim/writer", reason: "needs writing", task: "Write the blog post", step: 2, by: "model" },
    ]);
    expect(result.stepsUsed).toBe(3);
    // The writer saw everything: the user's input, the search and its result, the handoff and its result.
    expect(writerSaw.map((m) => m.role)).toEqual(["user", "assistant", "tool", "assistant", "tool"]);
    expect(writerSaw[2]).toMatchObject({ role: "tool", name: "search", content: "3 results for latest launch" });
    expect(writerSaw[4]).toMatchObject({
      role: "tool",
      name: "transfer_to_sim_writer",
      content: expect.stringContaining("Transferred to sim/writer"),
    });
    expect(writerSystem).toContain("sim/researcher handed this task to you");
    expect(writerSystem).toContain("Write the blog post");
    expect(findTranscriptProblems(result.messages)).toEqual([]);
    expect(Object.keys(result.usage.byModel)).toEqual(["sim/researcher", "sim/writer"]);
    expect(result.toolResults.map((t) => t.name)).toEqual(["search", "transfer_to_sim_writer"]);
  });

  it("offers transfer tools for every other model, described from the catalog or the model's description", async () => {
    let tools: SimRequest["tools"] = [];
    // openai is never called here; a key makes the provider valid.
    const runner = simRunner(
      { a: (request) => ((tools = request.tools), { text: "done" }) },
      { providers: { openai: { apiKey: "sk-test" } } },
    );
    await runner.run({ input: "hi", model: ["sim/a", { model: "sim/b", description: "Good at poems." }, "openai/gpt-4o-mini"] });
    const names = tools.map((t) => t.name);
    expect(names).toEqual(["transfer_to_sim_b", "transfer_to_openai_gpt-4o-mini"]);
    expect(tools[0]!.description).toContain("Good at poems.");
    expect(tools[1]!.description).toContain("fast and cheap");
    expect(tools[0]!.parameters).toMatchObject({ type: "object", properties: { reason: { type: "string" }, task: { type: "string" } } });
  });

  it("A → B → A works, each model keeping its own turn counter", async () => {
    const r = simRunner({
      a: [{ handoff: "sim/b" }, { text: "A again, finishing." }],
      b: [{ text: "B's part.", handoff: { to: "sim/a", reason: "back to you" } }],
    });
    const result = await r.run({ input: "go", model: ["sim/a", "sim/b"] });
    expect(result.status).toBe("completed");
    expect(result.finalOutput).toBe("A again, finishing.");
    expect(result.handoffs.map((h) => `${h.from}>${h.to}`)).toEqual(["sim/a>sim/b", "sim/b>sim/a"]);
    expect(result.steps.map((s) => s.model)).toEqual(["sim/a", "sim/b", "sim/a"]);
    expect(findTranscriptProblems(result.messages)).toEqual([]);
  });

  it("runs the other tool calls of a handoff message first, concurrently, then hands off", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const order: string[] = [];
    const slow = defineTool({
      name: "slow",
      description: "slow lookup",
      parameters: z.object({ id: z.number() }),
      execute: async ({ id }) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 30));
        inFlight--;
        order.push(`slow${id}`);
        return `value ${id}`;
      },
    });
    const r = simRunner({
      a: [
        {
          toolCalls: [
            { name: "slow", args: { id: 1 } },
            { name: "slow", args: { id: 2 } },
          ],
          handoff: "sim/b",
        },
      ],
      b: [{ text: "done" }],
    });
    const stream = r.stream({ input: "go", model: ["sim/a", "sim/b"], tools: [slow] });
    const events: string[] = [];
    for await (const event of stream) if (event.type === "tool.result" || event.type === "handoff") events.push(event.type);
    const result = await stream.result;
    expect(maxInFlight).toBe(2);
    expect(events).toEqual(["tool.result", "tool.result", "handoff"]);
    const tools = result.messages.filter((m) => m.role === "tool").map((m) => m.content);
    expect(tools).toEqual(["value 1", "value 2", expect.stringContaining("Transferred to sim/b")]);
    expect(result.finalOutput).toBe("done");
  });

  it("two handoffs in one message: the first wins, the second gets an error result", async () => {
    const r = simRunner({
      a: [
        {
          toolCalls: [
            { name: "transfer_to_sim_b", args: {} },
            { name: "transfer_to_sim_c", args: {} },
          ],
        },
      ],
      b: [{ text: "B took it." }],
      c: [{ text: "C should not run." }],
    });
    const result = await r.run({ input: "go", model: ["sim/a", "sim/b", "sim/c"] });
    expect(result.finalOutput).toBe("B took it.");
    expect(result.handoffs).toHaveLength(1);
    expect(result.handoffs[0]!.to).toBe("sim/b");
    const second = result.steps[0]!.toolCalls[1]!;
    expect(second).toMatchObject({ name: "transfer_to_sim_c", isError: true });
    expect(second.result).toMatch(/only one handoff per message/);
    expect(findTranscriptProblems(result.messages)).toEqual([]);
  });

  it("a team keeps the task with the model that last received it across runs", async () => {
    const runner = simRunner({ a: [{ handoff: "sim/b" }], b: [{ text: "first" }, { text: "second" }] });
    const team = runner.team({ model: ["sim/a", "sim/b"] });
    expect((await team.run("one")).finalOutput).toBe("first");
    const second = await team.run("two");
    expect(second.finalOutput).toBe("second");
    expect(second.steps.map((s) => s.model)).toEqual(["sim/b"]);
    expect(second.messages.filter((m) => m.role === "user").map((m) => m.content)).toEqual(["one", "two"]);
  });
});
