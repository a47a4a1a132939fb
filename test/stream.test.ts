import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { BatonError, defineTool, type RunEvent, Runner } from "../src/index.js";

let runner: Runner | undefined;
afterEach(async () => {
  await runner?.close();
  runner = undefined;
});

const lookup = defineTool({
  name: "lookup",
  description: "look up",
  parameters: z.object({ key: z.string() }),
  execute: ({ key }) => `value of ${key}`,
});

function researchWrite() {
  runner = new Runner({
    providers: {
      sim: {
        scripts: {
          r: [{ toolCalls: [{ name: "lookup", args: { key: "k" } }] }, { text: "found", handoff: { to: "sim/w", reason: "write it" } }],
          w: [{ text: "The final post, in several words." }],
        },
      },
    },
  });
  return runner.stream({ input: "go", model: ["sim/r", "sim/w"], tools: [lookup] });
}

describe("runner.stream", () => {
  it("yields the typed events in order, each tagged with runId, and model and step where they apply", async () => {
    const stream = researchWrite();
    const events: RunEvent[] = [];
    for await (const event of stream) events.push(event);
    const result = await stream.result;
    expect(events.map((e) => e.type)).toEqual([
      "run.started",
      "step.started",
      "tool.called",
      "tool.result",
      "step.finished",
      "step.started",
      "text.delta",
      "step.finished",
      "handoff",
      "step.started",
      ...Array(6).fill("text.delta"),
      "step.finished",
      "run.finished",
    ]);
    expect(events.every((e) => e.runId === result.runId)).toBe(true);
    for (const e of events) {
      if (e.type === "run.started" || e.type === "run.finished" || e.type === "handoff") continue;
      expect(e).toHaveProperty("model");
      expect(e).toHaveProperty("step");
    }
    const deltas = events.filter((e) => e.type === "text.delta" && e.model === "sim/w").map((e) => (e as { text: string }).text);
    expect(deltas.join("")).toBe("The final post, in several words.");
    expect(events.find((e) => e.type === "tool.result")).toMatchObject({
      name: "lookup",
      content: "value of k",
      isError: false,
      model: "sim/r",
      step: 1,
    });
    expect(events.find((e) => e.type === "handoff")).toMatchObject({ from: "sim/r", to: "sim/w", reason: "write it", by: "model" });
    expect(events.at(-1)).toMatchObject({ type: "run.finished", result: { finalOutput: "The final post, in several words." } });
  });

  it("a slow consumer loses no event", async () => {
    const stream = researchWrite();
    const seen: string[] = [];
    for await (const event of stream) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push(event.type);
    }
    expect(seen).toHaveLength(18);
    expect(seen.at(-1)).toBe("run.finished");
  });

  it("typed .on() listeners and .result work without iterating", async () => {
    const stream = researchWrite();
    const handoffs: string[] = [];
    let text = "";
    stream
      .on("handoff", (e) => handoffs.push(`${e.from}->${e.to}`))
      .on("text.delta", (e) => {
        text += e.text;
      });
    const result = await stream.result;
    expect(handoffs).toEqual(["sim/r->sim/w"]);
    expect(text).toBe("foundThe final post, in several words.");
    expect(result.status).toBe("completed");
  });

  it("a failed run emits run.failed, then the iterator throws the BatonError", async () => {
    runner = new Runner({ providers: { sim: { scripts: { a: [] } } } });
    const stream = runner.stream({ input: "go", model: "sim/a" });
    const types: string[] = [];
    const error = await (async () => {
      for await (const event of stream) types.push(event.type);
    })().catch((e: unknown) => e);
    // The failed step ends with step.finished (its record carries the error), then the run fails.
    expect(types).toEqual(["run.started", "step.started", "step.finished", "run.failed"]);
    expect(error).toMatchObject({ code: "SIM_SCRIPT_ERROR" });
    await expect(stream.result).rejects.toMatchObject({ code: "SIM_SCRIPT_ERROR" });
  });
});

describe("a listener that throws", () => {
  it("on text.delta: fails the run with LISTENER_ERROR and the partial result, instead of crashing the process", async () => {
    const stream = researchWrite();
    stream.on("text.delta", () => {
      throw new Error("listener bug");
    });
    const error = (await stream.result.catch((e: unknown) => e)) as BatonError;
    expect(error).toBeInstanceOf(BatonError);
    expect(error.code).toBe("LISTENER_ERROR");
    expect(error.message).toBe('A "text.delta" listener threw: listener bug');
    // The first delta belongs to the second step: the first (the tool call) is kept.
    expect(error.partial?.steps.length).toBe(1);
  });

  it("on tool.called: fails the run the same way; the team stays usable", async () => {
    runner = new Runner({
      providers: {
        sim: {
          scripts: {
            r: [{ toolCalls: [{ name: "lookup", args: { key: "k" } }] }, { text: "done" }, { text: "second run" }],
          },
        },
      },
    });
    const team = runner.team({ model: "sim/r", tools: [lookup] });
    const bad = () => {
      throw new Error("listener bug");
    };
    team.on("tool.called", bad);
    const error = (await team.run("go").catch((e: unknown) => e)) as BatonError;
    expect(error.code).toBe("LISTENER_ERROR");
    expect(error.message).toBe('A "tool.called" listener threw: listener bug');
    expect(error.partial?.status).toBe("stopped");
    team.off("tool.called", bad);
    expect((await team.run("again")).status).toBe("completed");
  });
});
