import { describe, expect, it } from "vitest";
import { z } from "zod";
import { contentText, defineTool } from "../src/index.js";
import { simRunners } from "./support/simRunner.js";

const simRunner = simRunners();

const add = defineTool({
  name: "add",
  description: "Add two numbers",
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => ({ sum: a + b }),
});

describe("local tools", () => {
  it("runs a tool and gives the model its result as JSON text", async () => {
    let sawResult = "";
    const r = simRunner({
      m: (request) => {
        const last = request.messages.at(-1);
        if (last?.role === "tool") {
          sawResult = contentText(last.content);
          return { text: "The sum is 5." };
        }
        return { toolCalls: [{ name: "add", args: { a: 2, b: 3 } }] };
      },
    });
    const result = await r.run({ input: "2+3?", model: "sim/m", tools: [add] });
    expect(sawResult).toBe('{"sum":5}');
    expect(result.toolResults).toEqual([
      { id: "call_0_0", name: "add", args: { a: 2, b: 3 }, result: '{"sum":5}', isError: false, ms: expect.any(Number) },
    ]);
    expect(result.finalOutput).toBe("The sum is 5.");
  });

  it("sends the tool's JSON Schema (from zod) to the model", async () => {
    let parameters: unknown;
    const r = simRunner({ m: (request) => ((parameters = request.tools.find((t) => t.name === "add")?.parameters), { text: "ok" }) });
    await r.run({ input: "hi", model: "sim/m", tools: [add] });
    expect(parameters).toMatchObject({
      type: "object",
      properties: { a: { type: "number" }, b: { type: "number" } },
      required: ["a", "b"],
    });
  });

  it("a tool that throws becomes an error result and the run goes on", async () => {
    const broken = defineTool({
      name: "broken",
      description: "always fails",
      parameters: z.object({}),
      execute: () => {
        throw new Error("disk on fire");
      },
    });
    const r = simRunner({ m: [{ toolCalls: [{ name: "broken" }] }, { text: "I could not do it." }] });
    const result = await r.run({ input: "go", model: "sim/m", tools: [broken] });
    expect(result.status).toBe("completed");
    expect(result.toolResults[0]).toMatchObject({ name: "broken", isError: true, result: "Error: disk on fire" });
    expect(result.messages[2]).toMatchObject({ role: "tool", isError: true, content: "Error: disk on fire" });
    expect(result.finalOutput).toBe("I could not do it.");
  });

  it("invalid arguments are not executed: the model gets an error naming the problem", async () => {
    let executed = false;
    const strict = defineTool({
      name: "strict",
      description: "needs a city",
      parameters: z.object({ city: z.string() }),
      execute: () => {
        executed = true;
        return "ok";
      },
    });
    const r = simRunner({ m: [{ toolCalls: [{ name: "strict", args: { city: 42 } }] }, { text: "retrying is for later" }] });
    const result = await r.run({ input: "go", model: "sim/m", tools: [strict] });
    expect(executed).toBe(false);
    expect(result.toolResults[0]!.isError).toBe(true);
    expect(result.toolResults[0]!.result).toMatch(/invalid arguments for strict: city: .*expected string/i);
    expect(result.status).toBe("completed");
  });

  it("an unknown tool name gets an error result listing the available tools", async () => {
    const r = simRunner({ m: [{ toolCalls: [{ name: "nope", args: {} }] }, { text: "ok" }] });
    const result = await r.run({ input: "go", model: "sim/m", tools: [add] });
    expect(result.toolResults[0]).toMatchObject({ name: "nope", isError: true });
    expect(result.toolResults[0]!.result).toContain("Available tools: add");
  });

  it("runs the tool calls of one message concurrently", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = 0;
    const wait = defineTool({
      name: "wait",
      description: "waits for the others",
      parameters: z.object({ n: z.number() }),
      execute: async ({ n }) => {
        started++;
        if (started === 3) release();
        await gate; // only resolves once all three are running at the same time
        return `done ${n}`;
      },
    });
    const r = simRunner({
      m: [{ toolCalls: [1, 2, 3].map((n) => ({ name: "wait", args: { n } })) }, { text: "all done" }],
    });
    const result = await r.run({ input: "go", model: "sim/m", tools: [wait] });
    expect(result.toolResults.map((t) => t.result)).toEqual(["done 1", "done 2", "done 3"]);
  });

  it("passes a context with an abort signal, the model and the run id", async () => {
    let seen: { model: string; runId: string; aborted: boolean } | undefined;
    const probe = defineTool({
      name: "probe",
      description: "probe",
      parameters: z.object({}),
      execute: (_args, context) => {
        seen = { model: context.model, runId: context.runId, aborted: context.signal.aborted };
        return "ok";
      },
    });
    const r = simRunner({ m: [{ toolCalls: [{ name: "probe" }] }, { text: "ok" }] });
    const result = await r.run({ input: "go", model: "sim/m", tools: [probe] });
    expect(seen).toEqual({ model: "sim/m", runId: result.runId, aborted: false });
  });
});

describe("calls and actors", () => {
  it("model calls and tool calls start no actor: a long-lived team's actors stay the same", async () => {
    const started: string[] = [];
    const r = simRunner(
      {
        // Five steps of two tool calls each, then an answer.
        m: (request) =>
          request.callIndex % 6 === 5
            ? { text: "done" }
            : {
                toolCalls: [
                  { name: "add", args: { a: request.callIndex, b: 1 } },
                  { name: "add", args: { a: 0, b: 0 } },
                ],
              },
      },
      { inspect: (event) => event.type === "@xstate.actor" && started.push((event.actorRef as unknown as { id: string }).id) },
    );
    const team = r.team({ model: "sim/m", tools: [add] });
    await team.run("first"); // starts the team's actors and the Runner's shared services
    const before = started.length;
    const result = await team.run("second");
    expect(result.steps.flatMap((step) => step.toolCalls)).toHaveLength(10);
    expect(result.finalOutput).toBe("done");
    expect(started.slice(before)).toEqual([]);
    // A second team shares the provider service and the tool executor: it starts only its own actors.
    await r.team({ model: "sim/m", tools: [add] }).run("third");
    const kinds = started
      .slice(before)
      .map((id) => (id.startsWith("team:") ? "supervisor" : id.startsWith("events:") ? "events" : id.startsWith("tools:") ? "tools" : id));
    expect(kinds.sort()).toEqual(["events", "sim/m", "supervisor", "tools"]);
  });
});
